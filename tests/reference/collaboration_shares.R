# Reference numbers for analysis.collaboration: the share of structural collaboration per
# respondent type and per side, with Wilson score 95% intervals (prop.test without continuity
# correction). Run from the repository root:  Rscript tests/reference/collaboration_shares.R
suppressPackageStartupMessages({ library(haven); library(jsonlite) })
d <- read_sav(file.path("data", "raw", "organisatie_enquete.sav"))
codes <- attr(d$collab_form, "labels")
structural <- names(codes)[codes == 3]  # the value label of code 3 (structural collaboration)
rows <- list()
for (by in c("resp_type", "org_side")) {
  group <- as_factor(d[[by]], levels = "labels")
  form <- as_factor(d$collab_form, levels = "labels")
  for (g in levels(droplevels(group))) {
    n <- sum(group == g & !is.na(form))
    k <- sum(group == g & form == structural, na.rm = TRUE)
    ci <- prop.test(k, n, correct = FALSE)$conf.int
    rows[[length(rows) + 1]] <- list(by = by, group = g, form = structural, k = k, n = n,
                                     estimate = k / n, ci_low = ci[1], ci_high = ci[2])
  }
}
out <- list(generated_by = "R collaboration_shares.R", r_version = R.version.string, shares = rows)
write(toJSON(out, auto_unbox = TRUE, digits = NA, pretty = TRUE), file.path("tests", "reference", "collaboration_shares.json"))
