# Reference numbers for analysis.referrals, in R, on the example study's referral log.
#
# Run from the repository root:  Rscript tests/reference/referrals.R   (or `make reference`)
# Needs readxl, haven, survival, sandwich and jsonlite (Debian: r-cran-readxl r-cran-haven
# r-cran-survival r-cran-sandwich r-cran-jsonlite).
#
# Reads data/raw/verwijzingen.xlsx (and the survey, for the senders' respondent type), censors
# referrals without a first contact at the observation end that study.yml declares
# (plan.referrals.observation_end, 2026-04-30), and fits what tests/test_referrals_reference.py
# compares with Bruggen's statsmodels fits:
#   - glm(completed ~ warm, binomial): odds ratio, model-based and cluster-robust standard errors
#     (sandwich::vcovCL by municipality, type HC1);
#   - survival::survfit(Surv(days, event) ~ collab_form): medians and their 95% intervals
#     (conf.type "log");
#   - survival::coxph(Surv(days, event) ~ structural, ties = "efron"): hazard ratio;
#   - glm(days ~ structural, Gamma(link = "log")) among referrals with a first contact: ratio of
#     mean days (dispersion from Pearson's chi-square, Wald interval);
#   - counts: referrals, contacts and censored referrals per form; flows from the sender's
#     respondent type to the destination; self-determination signals per form.
# Output: tests/reference/referrals.json.
suppressPackageStartupMessages({
  library(readxl)
  library(haven)
  library(survival)
  library(sandwich)
  library(jsonlite)
})

raw <- file.path("data", "raw")
out <- file.path("tests", "reference", "referrals.json")
observation_end <- as.Date("2026-04-30")
z <- qnorm(0.975)

log <- as.data.frame(read_excel(file.path(raw, "verwijzingen.xlsx"), sheet = "verwijzingen"))
referred <- as.Date(log$date_referred)
contact <- as.Date(log$date_first_contact)
event <- as.integer(!is.na(contact) & contact <= observation_end)
stop_at <- as.Date(ifelse(event == 1, contact, observation_end), origin = "1970-01-01")
d <- data.frame(
  ref_id = log$ref_id,
  municipality_code = log$municipality_code,
  collab_form = factor(log$collab_form, levels = c("ad_hoc", "projectmatig", "structureel")),
  structural = as.integer(log$collab_form == "structureel"),
  warm = as.integer(log$warm_transfer == "ja"),
  completed = as.integer(log$contact_made),
  days = as.numeric(stop_at - referred),
  event = event,
  theme = log$ref_theme,
  to_org_type = log$to_org_type,
  from_resp_id = log$from_resp_id
)

wald <- function(est, se) list(estimate = exp(est), ci_low = exp(est - z * se), ci_high = exp(est + z * se),
                              coef = est, std_error = se)
results <- list(generated_by = "tests/reference/referrals.R", observation_end = format(observation_end),
                r_version = R.version.string, survival_version = as.character(packageVersion("survival")))

# ---- completion: logistic regression on warm handover ---------------------------------------
lg <- glm(completed ~ warm, family = binomial, data = d)
se_model <- sqrt(diag(vcov(lg)))[["warm"]]
vc <- vcovCL(lg, cluster = ~municipality_code, type = "HC1")
se_cluster <- sqrt(diag(vc))[["warm"]]
results$completion <- c(
  wald(coef(lg)[["warm"]], se_cluster),
  list(std_error_model = se_model, intercept = coef(lg)[["(Intercept)"]], n = nrow(d),
       n_clusters = length(unique(d$municipality_code)),
       method = "glm(completed ~ warm, binomial); sandwich::vcovCL(cluster = ~municipality_code, type = 'HC1')")
)

# ---- time to first contact: Kaplan-Meier medians per form -----------------------------------
km <- survfit(Surv(days, event) ~ collab_form, data = d)
q <- quantile(km, probs = 0.5)
tab <- summary(km)$table
results$km <- lapply(setNames(levels(d$collab_form), levels(d$collab_form)), function(level) {
  row <- paste0("collab_form=", level)
  list(n = unname(tab[row, "records"]), events = unname(tab[row, "events"]),
       median = unname(q$quantile[row, 1]), ci_low = unname(q$lower[row, 1]), ci_high = unname(q$upper[row, 1]))
})

# two small curves for the median rule: one that is exactly 0.5 on a flat stretch (survfit takes
# the midpoint to the next event time), one with censoring
toys <- list(
  exact = data.frame(time = c(1, 2, 3, 4), event = c(1, 1, 1, 1)),
  censored = data.frame(time = c(2, 3, 3, 5, 6, 8, 9, 12, 14, 15), event = c(1, 0, 1, 1, 0, 1, 1, 0, 1, 0))
)
results$km_toys <- lapply(toys, function(toy) {
  q <- quantile(survfit(Surv(time, event) ~ 1, data = toy), probs = 0.5)
  list(time = toy$time, event = toy$event, median = unname(q$quantile[1]), ci_low = unname(q$lower[1]),
       ci_high = unname(q$upper[1]))
})

# ---- Cox model: structural against the other forms ------------------------------------------
cx <- coxph(Surv(days, event) ~ structural, data = d, ties = "efron")
results$cox <- c(wald(coef(cx)[["structural"]], sqrt(diag(vcov(cx)))[["structural"]]),
                 list(n = cx$n, events = cx$nevent, method = "survival::coxph(Surv(days, event) ~ structural, ties = 'efron')"))

# ---- Gamma GLM: ratio of mean days among referrals with a first contact --------------------
done <- d[d$event == 1, ]
gm <- glm(days ~ structural, family = Gamma(link = "log"), data = done)
s <- summary(gm)
results$gamma <- c(wald(coef(gm)[["structural"]], s$coefficients["structural", "Std. Error"]),
                   list(n = nrow(done), dispersion = s$dispersion,
                        method = "glm(days ~ structural, Gamma(link = 'log')) among event == 1"))

# ---- counts ------------------------------------------------------------------------------------
results$counts <- list(
  n = nrow(d), events = sum(d$event), censored = sum(d$event == 0),
  by_form = lapply(split(d, d$collab_form), function(x) list(n = nrow(x), events = sum(x$event),
                                                             censored = sum(x$event == 0)))
)
self_determination <- c("huwelijksdwang", "achterlating", "eergerelateerd_geweld", "gedwongen_isolement")
results$signals <- lapply(split(d, d$collab_form), function(x) list(n = nrow(x),
                                                                    self_determination = sum(x$theme %in% self_determination)))

sav <- read_sav(file.path(raw, "organisatie_enquete.sav"))
types <- setNames(as.integer(zap_labels(sav$resp_type)), as.character(sav$resp_id))
d$sender_type <- types[d$from_resp_id]
flows <- as.data.frame(table(sender_type = d$sender_type, to_org_type = d$to_org_type), stringsAsFactors = FALSE)
results$flows <- lapply(split(flows, flows$sender_type), function(x) as.list(setNames(x$Freq, x$to_org_type)))

writeLines(toJSON(results, auto_unbox = TRUE, digits = NA, pretty = TRUE), out)
cat("wrote", out, "\n")
