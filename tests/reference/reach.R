# Reference numbers for the reach model (analysis.reach), in R.
#
# Run from the repository root:  Rscript tests/reference/reach.R
# Reads data/raw/organisatie_enquete.sav with haven (user-missing codes as NA), keeps the
# informal respondents (org_side == 2) as the `reach` analysis does (among: informal), and fits
#   - MASS::glm.nb (NB2, log link, offset log(target_pop_estimate)) and glm(poisson) with the
#     same offset, each with cluster-robust standard errors by municipality (sandwich::vcovCL,
#     HC1 with the G/(G-1) cluster adjustment, as statsmodels' cov_type="cluster"), and for the
#     NB2 model also the joint (coefficients and alpha) cluster sandwich written out by hand;
#   - the Cameron-Trivedi overdispersion test of the Poisson fit (the regression of
#     ((y - mu)^2 - y) / mu on mu without intercept; one-sided z test, as AER::dispersiontest
#     with trafo = 2) and the Pearson dispersion;
#   - geepack::geeglm(poisson, exchangeable correlation by municipality), robust errors;
# for three predictor codings: the structural indicator (collab_form == 3), the indicator with
# the informal organisation type as covariate (factor, first code the reference), and the
# three collaboration forms (first code the reference). Writes tests/reference/reach.json;
# tests/test_reach_reference.py compares Bruggen's statsmodels fits with it.
suppressPackageStartupMessages({
  library(haven)
  library(MASS)
  library(sandwich)
  library(geepack)
  library(jsonlite)
})

raw <- file.path("data", "raw")
out <- file.path("tests", "reference", "reach.json")

sav <- read_sav(file.path(raw, "organisatie_enquete.sav"), user_na = TRUE)
num <- function(x) as.numeric(unclass(zap_missing(x)))  # user-missing (8, 9) -> NA
d <- data.frame(
  municipality_code = as.character(sav$municipality_code),
  org_side = num(sav$org_side),
  collab_form = num(sav$collab_form),
  informal_org_type = num(sav$informal_org_type),
  reach_total = num(sav$reach_total),
  target_pop_estimate = num(sav$target_pop_estimate)
)
inf <- d[d$org_side == 2 & !is.na(d$reach_total) & d$target_pop_estimate > 0, ]
inf <- inf[order(inf$municipality_code), ]  # geeglm wants each cluster's rows together
inf$structural <- as.integer(inf$collab_form == 3)
inf$form <- factor(inf$collab_form, levels = c(1, 2, 3))
inf$org_type <- factor(inf$informal_org_type, levels = sort(unique(inf$informal_org_type)))

tight <- glm.control(epsilon = 1e-12, maxit = 200)
coefs <- function(fit, V) {
  se <- setNames(sqrt(diag(as.matrix(V))), names(coef(fit)))
  lapply(setNames(names(coef(fit)), names(coef(fit))), function(term)
    list(coef = unname(coef(fit)[[term]]), std_error = unname(se[[term]])))
}
models <- list(
  structural = reach_total ~ structural + offset(log(target_pop_estimate)),
  structural_org_type = reach_total ~ structural + org_type + offset(log(target_pop_estimate)),
  form = reach_total ~ form + offset(log(target_pop_estimate))
)
# The NB2 model's cluster-robust covariance of (coefficients, alpha) jointly, written out:
# bread = the inverse observed information of the NB2 log-likelihood in (beta, alpha) (analytic
# scores, Hessian by optimHess), meat = the sum over municipalities of the outer products of the
# summed scores, times G/(G-1) (N-1)/(N-K) with K counting alpha. (sandwich::vcovCL on glm.nb
# treats theta as known, so its errors differ slightly; both are written out.)
nb2_scores <- function(par, X, y, offset) {
  k <- ncol(X)
  b <- par[1:k]; a <- par[k + 1]
  mu <- exp(drop(X %*% b) + offset)
  sb <- X * ((y - mu) / (1 + a * mu))
  sa <- (log(1 + a * mu) - digamma(y + 1 / a) + digamma(1 / a)) / a^2 + (y - mu) / (a * (1 + a * mu))
  cbind(sb, alpha = sa)
}
nb2_loglik <- function(par, X, y, offset) {
  k <- ncol(X)
  b <- par[1:k]; a <- par[k + 1]
  mu <- exp(drop(X %*% b) + offset)
  sum(lgamma(y + 1 / a) - lgamma(1 / a) - lgamma(y + 1) - log(1 + a * mu) / a + y * log(a * mu / (1 + a * mu)))
}
joint_cluster_se <- function(nb, data, cluster) {
  X <- model.matrix(nb)
  y <- data$reach_total
  off <- log(data$target_pop_estimate)
  par <- c(coef(nb), alpha = 1 / nb$theta)
  H <- optimHess(par, function(p) -nb2_loglik(p, X, y, off), function(p) -colSums(nb2_scores(p, X, y, off)))
  bread <- solve(H)
  S <- nb2_scores(par, X, y, off)
  U <- rowsum(S, cluster)
  G <- nrow(U); N <- nrow(X); K <- length(par)
  V <- G / (G - 1) * (N - 1) / (N - K) * bread %*% crossprod(U) %*% bread
  setNames(sqrt(diag(V)), c(colnames(X), "alpha"))
}

fits <- list()
for (name in names(models)) {
  f <- models[[name]]
  nb <- glm.nb(f, data = inf, control = tight)
  po <- glm(f, family = poisson, data = inf, control = tight)
  mu <- fitted(po)
  y <- inf$reach_total
  aux <- ((y - mu)^2 - y) / mu
  ct <- summary(lm(aux ~ 0 + mu))$coefficients
  gee <- geeglm(f, family = poisson, id = factor(inf$municipality_code), data = inf,
                corstr = "exchangeable")
  fits[[name]] <- list(
    formula = paste(deparse(f), collapse = " "),
    n = nrow(inf),
    clusters = length(unique(inf$municipality_code)),
    nb = list(
      method = "MASS::glm.nb, epsilon 1e-12; SE sandwich::vcovCL(type = 'HC1') by municipality",
      coefficients = coefs(nb, vcovCL(nb, cluster = ~municipality_code, type = "HC1")),
      model_based = coefs(nb, vcov(nb)),
      joint_cluster_std_error = as.list(joint_cluster_se(nb, inf, inf$municipality_code)),
      theta = nb$theta, alpha = 1 / nb$theta, theta_se = nb$SE.theta,
      loglik = as.numeric(logLik(nb))
    ),
    poisson = list(
      method = "glm(poisson), epsilon 1e-12; SE sandwich::vcovCL(type = 'HC1') by municipality",
      coefficients = coefs(po, vcovCL(po, cluster = ~municipality_code, type = "HC1")),
      pearson_dispersion = sum(residuals(po, type = "pearson")^2) / df.residual(po),
      cameron_trivedi = list(alpha = ct[1, 1], std_error = ct[1, 2], z = ct[1, 3],
                             p_value = pnorm(ct[1, 3], lower.tail = FALSE))
    ),
    gee = list(
      method = "geepack::geeglm(poisson, corstr = 'exchangeable', id = municipality), robust SE",
      coefficients = coefs(gee, gee$geese$vbeta),
      correlation = unname(gee$geese$alpha),
      scale = unname(gee$geese$gamma)
    )
  )
}

pkg <- function(p) as.character(packageVersion(p))
result <- list(
  generated_by = "tests/reference/reach.R",
  r_version = R.version.string,
  packages = list(haven = pkg("haven"), MASS = pkg("MASS"), sandwich = pkg("sandwich"),
                  geepack = pkg("geepack"), jsonlite = pkg("jsonlite")),
  data = "data/raw/organisatie_enquete.sav, org_side == 2 (informeel), target_pop_estimate > 0",
  fits = fits
)
writeLines(toJSON(result, auto_unbox = TRUE, digits = NA, pretty = TRUE), out)
