# What R haven sees in a .sav file written by Bruggen (tests/reference/bruggen_roundtrip.sav).
#
# Run from the repository root:  Rscript tests/reference/haven_roundtrip.R
# Writes tests/reference/haven_roundtrip.json: per variable its label, value labels and
# user-defined missing values (na_values, na_range) as haven 2.5 reads them with
# user_na = TRUE, plus the stored values. tests/ingest/test_spss.py compares it with what
# Bruggen wrote, so CI (which has no R) still checks against an independent reader.
suppressPackageStartupMessages({
  library(haven)
  library(jsonlite)
})

sav <- file.path("tests", "reference", "bruggen_roundtrip.sav")
out <- file.path("tests", "reference", "haven_roundtrip.json")
df <- read_sav(sav, user_na = TRUE)

describe <- function(x) {
  labels <- attr(x, "labels", exact = TRUE)
  list(
    label = attr(x, "label", exact = TRUE),
    format = attr(x, "format.spss", exact = TRUE),
    class = class(x),
    value_labels = if (is.null(labels)) NULL else
      setNames(as.list(names(labels)), as.character(unname(labels))),
    na_values = attr(x, "na_values", exact = TRUE),
    na_range = attr(x, "na_range", exact = TRUE),
    values = as.vector(unclass(x))  # stored values, user-missing codes included
  )
}

result <- list(
  haven_version = as.character(packageVersion("haven")),
  file_label = attr(df, "label", exact = TRUE),
  n_rows = nrow(df),
  variables = lapply(df, describe)
)
writeLines(toJSON(result, auto_unbox = TRUE, pretty = TRUE, digits = NA, null = "null"), out, useBytes = TRUE)
cat("wrote", out, "\n")
