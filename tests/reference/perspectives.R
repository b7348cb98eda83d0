# Reference numbers for analysis.perspectives: formal versus informal respondents on the scale
# "taken seriously", its gap by collaboration form, and single Likert items.
#
# Run from the repository root:  Rscript tests/reference/perspectives.R
# Needs haven, jsonlite, sandwich, lme4 and ordinal (Debian/Ubuntu: r-cran-sandwich, r-cran-ordinal).
# Writes tests/reference/perspectives.json; tests/test_perspectives_reference.py compares it with
# what analysis.perspectives computes on the same file (CI only reads the committed JSON).
#
# The scale score mirrors Bruggen's prepare stage (analysis.prepare.derive.scale_scores with the
# plan in study.yml): user-missing codes 8 and 9 are missing; the reverse-keyed item
# taken_seriously_4 becomes min + max - x = 6 - x (its valid codes run from 1 to 5); the score is
# the mean of the answered items, missing when fewer than min_items are answered (the plan gives
# no min_items, so Bruggen's default applies: all items but one, here 3 of 4).
suppressPackageStartupMessages({
  library(haven)
  library(jsonlite)
  library(sandwich)
  library(lme4)
  library(ordinal)
})

sav <- read_sav(file.path("data", "raw", "organisatie_enquete.sav"), user_na = TRUE)
num <- function(x) as.numeric(unclass(zap_missing(x)))  # user-missing (8, 9) -> NA

items <- sapply(1:4, function(j) num(sav[[paste0("taken_seriously_", j)]]))
items[, 4] <- 1 + 5 - items[, 4]
answered <- rowSums(!is.na(items))
score <- rowMeans(items, na.rm = TRUE)
score[answered < 3] <- NA

side_labels <- attr(sav$org_side, "labels")
form_labels <- attr(sav$collab_form, "labels")
d <- data.frame(
  resp_id = as.character(sav$resp_id),
  y = score,
  side = names(side_labels)[match(num(sav$org_side), side_labels)],
  form = names(form_labels)[match(num(sav$collab_form), form_labels)],
  informal = as.integer(num(sav$org_side) == 2),
  structural = as.integer(num(sav$collab_form) == 3),
  municipality = as.character(sav$municipality_code),
  stringsAsFactors = FALSE
)
scored <- d[!is.na(d$y), ]
out <- list(
  generated_by = "R perspectives.R",
  r_version = R.version.string,
  packages = list(
    sandwich = as.character(packageVersion("sandwich")),
    lme4 = as.character(packageVersion("lme4")),
    ordinal = as.character(packageVersion("ordinal"))
  ),
  n_scored = nrow(scored),
  scores = setNames(as.list(d$y), d$resp_id)[!is.na(d$y)]
)

# ---- means per side x collaboration form, t intervals -----------------------------------------
means <- list()
for (s in sort(unique(scored$side))) {
  for (f in names(form_labels)) {
    y <- scored$y[scored$side == s & scored$form == f]
    n <- length(y)
    se <- sd(y) / sqrt(n)
    q <- qt(0.975, n - 1)
    means[[length(means) + 1]] <- list(side = s, form = f, n = n, mean = mean(y), sd = sd(y),
                                       ci_low = mean(y) - q * se, ci_high = mean(y) + q * se)
  }
}
out$means <- means

# ---- OLS with cluster-robust standard errors by municipality -----------------------------------
ols <- lm(y ~ informal * structural, data = scored)
G <- length(unique(scored$municipality))
V <- vcovCL(ols, cluster = ~municipality, type = "HC1", cadjust = TRUE)  # CR1: G/(G-1) (N-1)/(N-K)
b <- coef(ols)
q <- qt(0.975, G - 1)
term <- function(L, name) {
  est <- sum(L * b)
  se <- sqrt(drop(t(L) %*% V %*% L))
  se_model <- sqrt(drop(t(L) %*% vcov(ols) %*% L))
  list(term = name, estimate = est, std_error = se, ci_low = est - q * se, ci_high = est + q * se,
       p_value = 2 * pt(-abs(est / se), G - 1), std_error_model = se_model)
}
out$ols <- list(
  method = "lm(y ~ informal * structural); sandwich::vcovCL(type = 'HC1', cadjust = TRUE) by municipality; t with G - 1 df",
  n = nobs(ols),
  clusters = G,
  terms = list(
    term(c(0, 1, 0, 0), "gap"),
    term(c(0, 1, 0, 1), "gap_structural"),
    term(c(0, 0, 0, 1), "interaction"),
    term(c(1, 0, 0, 0), "intercept"),
    term(c(0, 0, 1, 0), "structural")
  )
)

# ---- Cohen's d within each stratum (pooled SD) --------------------------------------------------
cohen <- function(rows) {
  a <- rows$y[rows$informal == 1]
  f <- rows$y[rows$informal == 0]
  n1 <- length(a); n0 <- length(f)
  sp <- sqrt(((n1 - 1) * var(a) + (n0 - 1) * var(f)) / (n1 + n0 - 2))
  dd <- (mean(a) - mean(f)) / sp
  se <- sqrt((n1 + n0) / (n1 * n0) + dd^2 / (2 * (n1 + n0)))
  list(estimate = dd, std_error = se, ci_low = dd - qnorm(0.975) * se, ci_high = dd + qnorm(0.975) * se,
       pooled_sd = sp, n = n1 + n0)
}
out$cohen_d <- list(
  outside_structural = cohen(scored[scored$structural == 0, ]),
  structural = cohen(scored[scored$structural == 1, ]),
  all = cohen(scored)
)

# ---- random-intercept mixed model (REML) ---------------------------------------------------------
mm <- lmer(y ~ informal * structural + (1 | municipality), data = scored, REML = TRUE,
           control = lmerControl(optimizer = "bobyqa", optCtrl = list(rhobeg = 0.2, rhoend = 1e-10)))
fe <- fixef(mm)
Vm <- as.matrix(vcov(mm))
mterm <- function(L, name) {
  est <- sum(L * fe)
  se <- sqrt(drop(t(L) %*% Vm %*% L))
  list(term = name, estimate = est, std_error = se)
}
vc <- as.data.frame(VarCorr(mm))
out$mixed <- list(
  method = "lme4::lmer(y ~ informal * structural + (1 | municipality), REML = TRUE)",
  n = nobs(mm),
  groups = G,
  reml_criterion = as.numeric(REMLcrit(mm)),
  loglik = as.numeric(logLik(mm)),
  sd_municipality = vc$sdcor[vc$grp == "municipality"],
  sd_residual = vc$sdcor[vc$grp == "Residual"],
  var_municipality = vc$vcov[vc$grp == "municipality"],
  var_residual = vc$vcov[vc$grp == "Residual"],
  terms = list(
    mterm(c(0, 1, 0, 0), "gap"),
    mterm(c(0, 1, 0, 1), "gap_structural"),
    mterm(c(0, 0, 0, 1), "interaction"),
    mterm(c(1, 0, 0, 0), "intercept"),
    mterm(c(0, 0, 1, 0), "structural")
  )
)

# ---- ordinal models of single items: ordinal::clm, logit link ------------------------------------
# clm: logit P(Y <= j) = theta_j - x'beta, the parametrisation of statsmodels' OrderedModel.
ordinal_fit <- function(item, formula) {
  e <- data.frame(y = factor(num(sav[[item]]), levels = 1:5, ordered = TRUE),
                  informal = d$informal, structural = d$structural)
  e <- e[!is.na(e$y), ]
  fit <- clm(formula, data = e, link = "logit", control = clm.control(gradTol = 1e-10))
  se <- sqrt(diag(vcov(fit)))
  betas <- names(fit$beta)
  list(
    item = item,
    formula = deparse(formula),
    n = nobs(fit),
    loglik = as.numeric(logLik(fit)),
    beta = as.list(fit$beta),
    beta_se = as.list(se[betas]),
    thresholds = unname(fit$alpha),
    thresholds_se = unname(se[names(fit$alpha)]),
    counts = lapply(split(e$y, e$informal), function(v) as.integer(table(v)))
  )
}
out$ordinal <- c(
  lapply(paste0("taken_seriously_", 1:4), ordinal_fit, formula = y ~ informal),
  list(ordinal_fit("taken_seriously_1", y ~ informal + structural))
)

write(toJSON(out, auto_unbox = TRUE, digits = NA, pretty = TRUE), file.path("tests", "reference", "perspectives.json"))
