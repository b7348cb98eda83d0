# Reference numbers for analysis.structure: the structural index, its classification and Cohen's
# kappa against the researchers' classification (psych::cohen.kappa), computed independently of
# Bruggen from the raw SPSS file. Run from the repository root:
#   Rscript tests/reference/structure_kappa.R
# The rule (as documented in analysis.structure): every indicator rescaled to 0-1 by
# (code - lowest labelled code) / (highest - lowest labelled code); the index is the mean of the
# answered indicators when at least half (rounded up) are answered; class = the number of
# cut-offs the index (rounded to 9 decimals) reaches (0 = none below the first cut-off).
suppressPackageStartupMessages({ library(haven); library(jsonlite); library(psych) })
d <- read_sav(file.path("data", "raw", "organisatie_enquete.sav"))
indicators <- c("agreement_level", "funding_horizon", "meeting_frequency", "named_contact",
                "referral_protocol", "feedback_after_referral", "joint_training",
                "embedded_in_policy", "frey_level")
cutoffs <- c(0.10, 0.35, 0.65)  # ad hoc, projectmatig, structureel: as in study.yml
shifts <- c(-0.10, -0.05, 0, 0.05, 0.10)

scores <- sapply(indicators, function(v) {
  codes <- as.numeric(attr(d[[v]], "labels"))  # no indicator has user-missing codes
  (as.numeric(d[[v]]) - min(codes)) / (max(codes) - min(codes))
})
answered <- rowSums(!is.na(scores))
index <- ifelse(answered >= ceiling(length(indicators) / 2), rowMeans(scores, na.rm = TRUE), NA)
form <- as.numeric(d$collab_form)
side <- as.numeric(d$org_side)

kappa_of <- function(table) {
  k <- cohen.kappa(table)
  list(kappa = k$kappa, var_kappa = k$var.kappa, std_error = sqrt(k$var.kappa),
       ci_low = k$confid[1, 1], ci_high = k$confid[1, 3],
       agreement = sum(diag(table)) / sum(table))
}

variants <- lapply(shifts, function(s) {
  cuts <- round(pmin(1, pmax(0, cutoffs + s)), 9)  # 0.65 + 0.05 is 0.7, not 0.7000000000000001
  cls <- findInterval(round(index, 9), cuts)  # 0 none, 1 ad hoc, 2 projectmatig, 3 structureel
  tab <- table(factor(cls, levels = 0:3), factor(form, levels = 0:3))
  c(list(shift = s, cutoffs = cuts, table = unname(as.vector(t(unclass(tab)))),
         share_structural = mean(cls == 3),
         share_structural_formal = mean(cls[side == 1] == 3),
         share_structural_informal = mean(cls[side == 2] == 3)),
    kappa_of(unclass(tab)))
})

# two small tables by hand, kappa worked out in the test's docstring
hand <- list(
  two = kappa_of(matrix(c(20, 5, 10, 15), 2, byrow = TRUE)),
  three = kappa_of(matrix(c(30, 4, 1, 6, 25, 5, 2, 3, 24), 3, byrow = TRUE))
)

means <- list(
  overall = mean(index), formal = mean(index[side == 1]), informal = mean(index[side == 2]),
  ad_hoc = mean(index[form == 1]), projectmatig = mean(index[form == 2]),
  structureel = mean(index[form == 3]),
  sd_overall = sd(index), sd_formal = sd(index[side == 1]), sd_informal = sd(index[side == 2])
)
profile <- lapply(indicators, function(v) list(indicator = v,
  formal = mean(scores[side == 1, v], na.rm = TRUE), informal = mean(scores[side == 2, v], na.rm = TRUE)))

out <- list(generated_by = "R structure_kappa.R", r_version = R.version.string,
            psych_version = as.character(packageVersion("psych")),
            cutoffs = cutoffs, index_means = means, profile = profile, variants = variants, hand = hand)
write(toJSON(out, auto_unbox = TRUE, digits = NA, pretty = TRUE),
      file.path("tests", "reference", "structure_kappa.json"))
