# Independent recovery of the example study's planted effects, in R.
#
# Run from the repository root:  Rscript tests/reference/planted_effects.R
# Reads the committed files in data/raw/ (haven, readxl, xml2), fits each planted effect
# (MASS::glm.nb, lme4::glmer.nb, glm, lm, psych::alpha / psych::fa / psych::omega, fisher.test)
# and writes tests/reference/planted_effects.json. tests/test_example.py compares those numbers
# with data/raw/PLANTED.yml and with its own statsmodels fits, so CI (which has no R) still
# checks the data against an independent implementation.
suppressPackageStartupMessages({
  library(haven)
  library(readxl)
  library(MASS)
  library(lme4)
  library(psych)
  library(xml2)
  library(jsonlite)
})

raw <- file.path("data", "raw")
out <- file.path("tests", "reference", "planted_effects.json")

wald <- function(fit, term, transform = identity) {
  est <- coef(fit)[[term]]
  se <- sqrt(diag(vcov(fit)))[[term]]
  z <- qnorm(0.975)
  list(estimate = transform(est), ci_low = transform(est - z * se), ci_high = transform(est + z * se),
       coef = est, std_error = se)
}

results <- list()

# ---- the survey, as haven sees it ----------------------------------------------------------
sav <- read_sav(file.path(raw, "organisatie_enquete.sav"), user_na = TRUE)
t1 <- sav$trust_1
haven_check <- list(
  file_label = attr(sav, "label", exact = TRUE),
  n_rows = nrow(sav),
  n_cols = ncol(sav),
  trust_1_class = class(t1),
  trust_1_label = attr(t1, "label", exact = TRUE),
  trust_1_na_values = attr(t1, "na_values", exact = TRUE),
  trust_1_labels = setNames(as.list(names(attr(t1, "labels"))), as.character(unname(attr(t1, "labels")))),
  trust_1_n_code_8 = sum(unclass(t1) == 8, na.rm = TRUE),
  trust_1_n_code_9 = sum(unclass(t1) == 9, na.rm = TRUE),
  taken_seriously_4_label = attr(sav$taken_seriously_4, "label", exact = TRUE),
  resp_type_labels = setNames(as.list(names(attr(sav$resp_type, "labels"))),
                              as.character(unname(attr(sav$resp_type, "labels")))),
  survey_date_class = class(sav$survey_date),
  survey_date_format = attr(sav$survey_date, "format.spss", exact = TRUE),
  formal_org_type_n_missing = sum(is.na(sav$formal_org_type)),
  informal_org_type_n_missing = sum(is.na(sav$informal_org_type))
)

num <- function(x) as.numeric(unclass(zap_missing(x)))  # user-missing (8, 9) -> NA
d <- data.frame(
  municipality_code = as.character(sav$municipality_code),
  informeel = as.integer(num(sav$org_side) == 2),
  structureel = as.integer(num(sav$collab_form) == 3),
  reach_total = num(sav$reach_total),
  target_pop_estimate = num(sav$target_pop_estimate)
)

# ---- reach: negative binomial with exposure, informal respondents ---------------------------
inf <- d[d$informeel == 1, ]
nb <- glm.nb(reach_total ~ structureel + offset(log(target_pop_estimate)), data = inf)
results$reach_structural <- c(wald(nb, "structureel", exp), list(
  method = "MASS::glm.nb(reach_total ~ structureel + offset(log(target_pop_estimate))), Wald CI",
  n = nrow(inf), theta = nb$theta, alpha = 1 / nb$theta))
nbm <- glmer.nb(reach_total ~ structureel + offset(log(target_pop_estimate)) + (1 | municipality_code),
                data = inf)
vc <- as.data.frame(VarCorr(nbm))
results$reach_structural_glmer <- c(
  list(estimate = exp(fixef(nbm)[["structureel"]])),
  {
    se <- sqrt(diag(as.matrix(vcov(nbm))))[2]
    b <- fixef(nbm)[["structureel"]]
    list(ci_low = exp(b - qnorm(0.975) * se), ci_high = exp(b + qnorm(0.975) * se), coef = b, std_error = se)
  },
  list(method = "lme4::glmer.nb(reach_total ~ structureel + offset(log(target_pop_estimate)) + (1 | municipality_code)), Wald CI",
       n = nrow(inf), municipality_sd = vc$sdcor[1], theta = getME(nbm, "glmer.nb.theta"))
)

# ---- referrals: completion by warm handover; days to first contact ---------------------------
ref <- read_excel(file.path(raw, "verwijzingen.xlsx"), sheet = "verwijzingen")
ref$warm <- as.integer(ref$warm_transfer == "ja")
lg <- glm(contact_made ~ warm, family = binomial, data = ref)
results$completion_warm_handover <- c(wald(lg, "warm", exp), list(
  method = "glm(contact_made ~ warm, binomial), Wald CI", n = nrow(ref)))
done <- ref[ref$contact_made == 1, ]
done$days <- as.numeric(difftime(as.Date(done$date_first_contact), as.Date(done$date_referred), units = "days"))
done$structureel <- as.integer(done$collab_form == "structureel")
gm <- glm(days ~ structureel, family = Gamma(link = "log"), data = done)
results$days_structural <- c(wald(gm, "structureel", exp), list(
  method = "glm(days ~ structureel, Gamma(log)), Wald CI (Pearson dispersion)", n = nrow(done)))

# ---- taken seriously: gap formal/informal by collaboration form ------------------------------
ts_items <- sapply(1:4, function(j) num(sav[[paste0("taken_seriously_", j)]]))
ts_items[, 4] <- 6 - ts_items[, 4]
d$ts_mean <- rowMeans(ts_items, na.rm = TRUE)
d$ts_mean[is.nan(d$ts_mean)] <- NA
ols <- lm(ts_mean ~ informeel * structureel, data = d)
tci <- function(est, se, df) list(estimate = est, ci_low = est - qt(0.975, df) * se, ci_high = est + qt(0.975, df) * se,
                                  std_error = se)
b <- coef(ols); V <- vcov(ols); dfr <- df.residual(ols)
results$taken_seriously_gap_nonstructural <- c(tci(b[["informeel"]], sqrt(V["informeel", "informeel"]), dfr),
  list(method = "lm(ts_mean ~ informeel * structureel): informeel", n = nobs(ols)))
L <- c(0, 1, 0, 1)
results$taken_seriously_gap_structural <- c(tci(sum(L * b), sqrt(drop(t(L) %*% V %*% L)), dfr),
  list(method = "lm(ts_mean ~ informeel * structureel): informeel + informeel:structureel", n = nobs(ols)))
results$taken_seriously_interaction <- c(
  tci(b[["informeel:structureel"]], sqrt(V["informeel:structureel", "informeel:structureel"]), dfr),
  list(method = "lm(ts_mean ~ informeel * structureel): informeel:structureel", n = nobs(ols)))

# ---- reliability: alpha and omega ---------------------------------------------------------------
reliability <- function(items) {
  items <- items[complete.cases(items), ]
  a <- psych::alpha(items, check.keys = FALSE, warnings = FALSE)
  f <- psych::fa(items, nfactors = 1, fm = "ml")
  lam <- as.numeric(f$loadings[, 1])
  omega_fa <- sum(lam)^2 / (sum(lam)^2 + sum(1 - lam^2))
  om <- suppressWarnings(suppressMessages(psych::omega(items, nfactors = 1, fm = "ml", plot = FALSE)))
  list(estimate = omega_fa - a$total$raw_alpha, alpha = a$total$raw_alpha,
       alpha_ci_low = a$feldt$lower.ci[[1]], alpha_ci_high = a$feldt$upper.ci[[1]],
       omega = omega_fa, omega_psych_total = om$omega.tot, loadings = lam, n = nrow(items),
       method = "psych::alpha (raw_alpha, Feldt CI); omega = (sum l)^2/((sum l)^2 + sum(1 - l^2)) from psych::fa(nfactors = 1, fm = 'ml'); psych::omega omega.tot")
}
results$reliability_taken_seriously <- reliability(as.data.frame(ts_items))
results$reliability_trust <- reliability(as.data.frame(sapply(1:4, function(j) num(sav[[paste0("trust_", j)]]))))

# ---- interviews: B3 x A6 on the same segment; B3 by side --------------------------------------
# (the first coding: the check coder's selections, a second coding of some interviews, are left out)
qdpx <- file.path(raw, "interviews.qdpx")
tmp <- tempfile(); dir.create(tmp)
unzip(qdpx, files = "project.qde", exdir = tmp)
qde <- read_xml(file.path(tmp, "project.qde"))
ns <- c(q = "urn:QDA-XML:project:1.0")
codes <- xml_find_all(qde, "//q:Code", ns)
code_name <- setNames(xml_attr(codes, "name"), xml_attr(codes, "guid"))
check_coder <- "Onderzoeker C (synthetisch)"
users <- xml_find_all(qde, "//q:Users/q:User", ns)
check_guid <- xml_attr(users, "guid")[xml_attr(users, "name") == check_coder]
var_name <- setNames(xml_attr(xml_find_all(qde, "//q:Variable", ns), "name"),
                     xml_attr(xml_find_all(qde, "//q:Variable", ns), "guid"))
side_of_source <- c()
for (case in xml_find_all(qde, "//q:Case", ns)) {
  side <- NA
  for (vv in xml_find_all(case, "q:VariableValue", ns)) {
    ref_guid <- xml_attr(xml_find_first(vv, "q:VariableRef", ns), "targetGUID")
    if (var_name[[ref_guid]] == "org_side") side <- xml_text(xml_find_first(vv, "q:TextValue", ns))
  }
  for (sr in xml_find_all(case, "q:SourceRef", ns)) side_of_source[[xml_attr(sr, "targetGUID")]] <- side
}
seg_b3 <- c(); seg_a6 <- c(); doc_b3 <- c(); doc_side <- c()
for (src in xml_find_all(qde, "//q:TextSource", ns)) {
  g <- xml_attr(src, "guid"); has_b3 <- FALSE
  for (sel in xml_find_all(src, "q:PlainTextSelection", ns)) {
    if (xml_attr(sel, "creatingUser") %in% check_guid) next
    names_here <- unname(code_name[xml_attr(xml_find_all(sel, ".//q:CodeRef", ns), "targetGUID")])
    substantive <- grepl("^[A-G][0-9]+ ", names_here)
    if (!any(substantive)) next
    b3 <- "B3 NIET_SERIEUS_GENOMEN" %in% names_here
    seg_b3 <- c(seg_b3, b3); seg_a6 <- c(seg_a6, "A6 TERUGKOPPELING" %in% names_here)
    has_b3 <- has_b3 || b3
  }
  doc_b3 <- c(doc_b3, has_b3); doc_side <- c(doc_side, side_of_source[[g]])
}
tab <- table(factor(seg_b3, c(FALSE, TRUE)), factor(seg_a6, c(FALSE, TRUE)))
ft <- fisher.test(tab)
bt <- binom.test(tab["TRUE", "TRUE"], sum(tab["TRUE", ]))
results$interviews_b3_a6_cooccurrence <- list(
  estimate = unname(bt$estimate), ci_low = bt$conf.int[1], ci_high = bt$conf.int[2],
  p_a6_given_no_b3 = tab["FALSE", "TRUE"] / sum(tab["FALSE", ]),
  odds_ratio = unname(ft$estimate), odds_ratio_ci_low = ft$conf.int[1], odds_ratio_ci_high = ft$conf.int[2],
  fisher_p = ft$p.value, n_segments = sum(tab), n_b3 = sum(tab["TRUE", ]), n_b3_a6 = tab["TRUE", "TRUE"],
  method = "answer segments (selections with an A-G code); binom.test for P(A6 | B3) (Clopper-Pearson); fisher.test on the 2x2 table")
inf_b3 <- doc_b3[doc_side == "informeel"]; for_b3 <- doc_b3[doc_side == "formeel"]
pt <- prop.test(c(sum(inf_b3), sum(for_b3)), c(length(inf_b3), length(for_b3)), correct = FALSE)
fd <- fisher.test(table(factor(doc_side, c("formeel", "informeel")), factor(doc_b3, c(FALSE, TRUE))))
results$interviews_b3_by_side <- list(
  estimate = mean(inf_b3) - mean(for_b3), ci_low = pt$conf.int[1], ci_high = pt$conf.int[2],
  p_informeel = mean(inf_b3), p_formeel = mean(for_b3), n_informeel = length(inf_b3), n_formeel = length(for_b3),
  fisher_p = fd$p.value,
  method = "share of interviews with >= 1 B3 coding; prop.test (Wald CI, no continuity correction); fisher.test")

# ---- interviews: the check coder against the first coding (pooled over codes) ----------------------
# per answer segment of the double-coded interviews and per substantive code: did the first coder
# (any user but the check coder) apply it, did the check coder; the 2x2 tables of all codes added
sel_rows <- list()
for (src in xml_find_all(qde, "//q:TextSource", ns)) {
  for (sel in xml_find_all(src, "q:PlainTextSelection", ns)) {
    names_here <- unname(code_name[xml_attr(xml_find_all(sel, ".//q:CodeRef", ns), "targetGUID")])
    names_here <- names_here[grepl("^[A-G][0-9]+ ", names_here)]
    if (!length(names_here)) next
    sel_rows[[length(sel_rows) + 1]] <- data.frame(
      source = xml_attr(src, "guid"),
      unit = paste(xml_attr(src, "guid"), xml_attr(sel, "startPosition"), xml_attr(sel, "endPosition")),
      code = names_here, check = xml_attr(sel, "creatingUser") %in% check_guid)
  }
}
dc <- do.call(rbind, sel_rows)
dc <- dc[dc$source %in% unique(dc$source[dc$check]), ]
dc_units <- unique(dc$unit)
pooled <- matrix(0, 2, 2)
for (code in unique(dc$code)) {
  first <- dc_units %in% dc$unit[dc$code == code & !dc$check]
  second <- dc_units %in% dc$unit[dc$code == code & dc$check]
  pooled <- pooled + unclass(table(factor(first, c(TRUE, FALSE)), factor(second, c(TRUE, FALSE))))
}
ck <- cohen.kappa(pooled)
results$interviews_intercoder_agreement <- list(
  estimate = ck$kappa, ci_low = ck$confid[1, 1], ci_high = ck$confid[1, 3], std_error = sqrt(ck$var.kappa),
  agreement = sum(diag(pooled)) / sum(pooled), n_segments = length(dc_units),
  n_documents = length(unique(dc$source)),
  method = "answer segments of the interviews the check coder coded; per substantive code a 2x2 table (first coder, check coder); tables added; psych::cohen.kappa")

report <- list(
  generated_by = "tests/reference/planted_effects.R",
  r_version = R.version.string,
  packages = lapply(c(haven = "haven", readxl = "readxl", MASS = "MASS", lme4 = "lme4", psych = "psych",
                      xml2 = "xml2"), function(p) as.character(packageVersion(p))),
  haven = haven_check,
  effects = results
)
write(toJSON(report, auto_unbox = TRUE, digits = NA, pretty = TRUE, null = "null"), out)
cat("wrote", out, "\n")
