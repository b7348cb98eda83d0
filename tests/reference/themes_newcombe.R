# Reference numbers for analysis.themes.share_difference: the difference of two shares with
# Newcombe's hybrid score 95% interval (Newcombe 1998, method 10), built from R's Wilson score
# intervals (prop.test without continuity correction). DescTools is not installed; this is the
# formula by hand. Run from the repository root:  Rscript tests/reference/themes_newcombe.R
suppressPackageStartupMessages(library(jsonlite))
wilson <- function(x, n) as.numeric(prop.test(x, n, correct = FALSE)$conf.int)
newcombe <- function(x1, n1, x0, n0) {
  p1 <- x1 / n1; p0 <- x0 / n0
  w1 <- wilson(x1, n1); w0 <- wilson(x0, n0)
  d <- p1 - p0
  c(d, d - sqrt((p1 - w1[1])^2 + (w0[2] - p0)^2), d + sqrt((w1[2] - p1)^2 + (p0 - w0[1])^2))
}
# (x1, n1, x0, n0): the example's planted contrast (14 of 18 informal, 3 of 12 formal interviews),
# Newcombe's own worked examples (56/70 vs 48/80; 9/10 vs 3/10) and the edges 0 and n.
cases <- list(c(14, 18, 3, 12), c(56, 70, 48, 80), c(9, 10, 3, 10), c(0, 12, 0, 18), c(12, 12, 0, 18),
              c(5, 18, 11, 12), c(1, 10, 9, 10))
rows <- lapply(cases, function(k) {
  r <- newcombe(k[1], k[2], k[3], k[4])
  list(x1 = k[1], n1 = k[2], x0 = k[3], n0 = k[4], difference = r[1], ci_low = r[2], ci_high = r[3])
})
out <- list(generated_by = "R themes_newcombe.R", r_version = R.version.string, differences = rows)
write(toJSON(out, auto_unbox = TRUE, digits = NA, pretty = TRUE), file.path("tests", "reference", "themes_newcombe.json"))
