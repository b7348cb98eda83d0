# Reference numbers for analysis.scales (Cronbach's alpha, its Feldt interval, item-rest
# correlations, alpha if an item is dropped, McDonald's omega total), from R's psych package.
#
# Run from the repository root:  Rscript tests/reference/reliability.R
# Writes tests/reference/reliability_bfi.csv (the real questionnaire data the Python side reads,
# so CI without R can run it) and tests/reference/reliability.json, which
# tests/test_scales_reference.py compares with analysis.scales.reliability.
#
# What is compared, per scale and per rule for missing items:
#   alpha               psych::alpha(x, check.keys = FALSE)$total$raw_alpha
#   ci_low, ci_high     psych::alpha(...)$feldt$lower.ci / upper.ci (Feldt 1965; psych::alpha.ci:
#                       1 - (1 - alpha) * qf(1 -+ 0.025, n - 1, (n - 1) * (k - 1)), n = nrow(x))
#   item_rest           psych::alpha(...)$item.stats$r.drop (item with the sum of the other items)
#   alpha_if_dropped    psych::alpha(...)$alpha.drop$raw_alpha
#   omega               psych::omega(x, nfactors = 1, fm = "ml")$omega.tot, which is
#                       1 - sum(u2) / sum(R): u2 the uniquenesses of a one-factor maximum-likelihood
#                       model (psych::fa, fm = "ml") of the correlation matrix R
#   omega_fa            the same formula computed here from psych::fa(R, 1, fm = "ml") directly (a check)
#   loadings            psych::fa(R, nfactors = 1, fm = "ml") loadings
# The rules for missing items:
#   listwise            only respondents who answered every item of the scale (x = complete cases)
#   pairwise            every respondent; covariances and correlations from all pairs answered
#                       (psych's default use = "pairwise"); n = nrow(x) (no row here is empty)
# Reverse-keyed items are reversed before anything as min + max - x, min and max being the lowest
# and highest valid code (the example: taken_seriously_4 as 6 - x; bfi: A1 as 7 - x).
suppressPackageStartupMessages({ library(haven); library(jsonlite); library(psych) })

ref <- file.path("tests", "reference")

# ---- the example study: user-missing 8 ("weet niet") and 9 ("n.v.t.") are missing ----------------
sav <- read_sav(file.path("data", "raw", "organisatie_enquete.sav"), user_na = TRUE)
num <- function(x) as.numeric(unclass(zap_missing(x)))
valid_range <- function(x) {
  codes <- unname(attr(x, "labels"))
  range(setdiff(codes, attr(x, "na_values")))
}
example_scale <- function(items, reversed = character()) {
  x <- as.data.frame(lapply(items, function(v) num(sav[[v]])), col.names = items)
  for (v in reversed) {
    r <- valid_range(sav[[v]])
    x[[v]] <- r[1] + r[2] - x[[v]]
  }
  x
}
example <- list(
  trust = example_scale(paste0("trust_", 1:4)),
  appreciation = example_scale(paste0("appreciation_", 1:3)),
  taken_seriously = example_scale(paste0("taken_seriously_", 1:4), "taken_seriously_4"),
  knowledge_exchange = example_scale(paste0("knowledge_exchange_", 1:4))
)
reversed <- list(taken_seriously = "taken_seriously_4")

# ---- psych's bfi: 2,800 respondents' answers (1-6) to IPIP personality items ------------------------
data(bfi, package = "psych")
subset <- bfi[, c("A1", "A2", "A3", "A4", "A5", "N1", "N2", "N3", "N4", "N5")]
csv <- file.path(ref, "reliability_bfi.csv")
writeLines(c(
  "# Real questionnaire data for tests/test_scales_reference.py, written by tests/reference/reliability.R.",
  paste0("# Source: the data set bfi of the R package psych ", packageVersion("psych"),
         " (William Revelle; licence GPL (>= 2)), unchanged:"),
  "# 2,800 respondents of the SAPA project (Revelle, Wilt and Rosenthal 2010) answering 25 IPIP items",
  "# on a 1-6 scale; here the five Agreeableness (A1-A5, A1 reverse-keyed) and five Neuroticism (N1-N5)",
  "# items, one row per respondent in psych's order; an empty cell is a missing answer."
), csv)
suppressWarnings(write.table(subset, csv, sep = ",", row.names = FALSE, na = "", quote = FALSE,
                             append = TRUE))
bfi_a <- subset[, paste0("A", 1:5)]
bfi_a$A1 <- 1 + 6 - bfi_a$A1
real <- list(N = subset[, paste0("N", 1:5)], A = bfi_a)
reversed$A <- "A1"

# ---- psych's numbers --------------------------------------------------------------------------------
reliability <- function(x, source, scale, missing) {
  if (missing == "listwise") x <- x[complete.cases(x), ]
  a <- psych::alpha(x, check.keys = FALSE, warnings = FALSE)
  om <- suppressWarnings(suppressMessages(
    psych::omega(x, nfactors = 1, fm = "ml", plot = FALSE)))
  R <- cor(x, use = "pairwise")
  f <- suppressWarnings(psych::fa(R, nfactors = 1, fm = "ml", n.obs = nrow(x)))
  items <- colnames(x)
  list(
    source = source, scale = scale, missing = missing, items = items,
    reversed = I(if (is.null(reversed[[scale]])) character() else reversed[[scale]]),
    n = nrow(x),
    alpha = a$total$raw_alpha,
    ci_low = a$feldt$lower.ci[[1]], ci_high = a$feldt$upper.ci[[1]],
    omega = om$omega.tot,
    omega_fa = 1 - sum(f$uniquenesses) / sum(R),
    loadings = setNames(as.list(as.numeric(f$loadings[, 1])), items),
    item_rest = setNames(as.list(a$item.stats$r.drop), items),
    alpha_if_dropped = setNames(as.list(a$alpha.drop$raw_alpha), items)
  )
}
rows <- list()
for (missing in c("listwise", "pairwise")) {
  for (s in names(example)) rows[[length(rows) + 1]] <- reliability(example[[s]], "example", s, missing)
  for (s in names(real)) rows[[length(rows) + 1]] <- reliability(real[[s]], "bfi", s, missing)
}

out <- list(
  generated_by = "tests/reference/reliability.R",
  r_version = R.version.string,
  psych_version = as.character(packageVersion("psych")),
  compared = paste(
    "alpha: psych::alpha raw_alpha; ci: psych::alpha feldt (alpha.ci, n = nrow(x));",
    "item_rest: item.stats r.drop; alpha_if_dropped: alpha.drop raw_alpha;",
    "omega: psych::omega(nfactors = 1, fm = 'ml') omega.tot = 1 - sum(u2) / sum(R)"),
  scales = rows
)
write(toJSON(out, auto_unbox = TRUE, digits = NA, pretty = TRUE), file.path(ref, "reliability.json"))
cat("wrote", file.path(ref, "reliability.json"), "and", csv, "\n")
