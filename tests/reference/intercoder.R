# Reference numbers for analysis.cooccurrence.intercoder_agreement on the example's double-coded
# interviews: percent agreement and Cohen's kappa per code (psych::cohen.kappa), computed
# independently of Bruggen from the REFI-QDA project itself (xml2). Run from the repository root:
#   Rscript tests/reference/intercoder.R
# Units: in every source that the check coder coded, each answer segment (a PlainTextSelection's
# start and end) that carries a substantive code (A1 ... G9) by either the first coder or the check
# coder; per code, the first rating is "a user other than the check coder applied it to the
# segment", the second "the check coder applied it". Meta-codes (QUOTE, CASEBOX, IDENT) are not
# compared. Pooled: the 2x2 tables of all codes added.
suppressPackageStartupMessages({ library(xml2); library(jsonlite); library(psych) })

check_coder <- "Onderzoeker C (synthetisch)"
tmp <- tempfile(); dir.create(tmp)
unzip(file.path("data", "raw", "interviews.qdpx"), files = "project.qde", exdir = tmp)
qde <- read_xml(file.path(tmp, "project.qde"))
ns <- c(q = "urn:QDA-XML:project:1.0")
codes <- xml_find_all(qde, "//q:Code", ns)
code_name <- setNames(xml_attr(codes, "name"), xml_attr(codes, "guid"))
users <- xml_find_all(qde, "//q:Users/q:User", ns)
check_guid <- xml_attr(users, "guid")[xml_attr(users, "name") == check_coder]
stopifnot(length(check_guid) == 1)

rows <- list()
for (src in xml_find_all(qde, "//q:TextSource", ns)) {
  for (sel in xml_find_all(src, "q:PlainTextSelection", ns)) {
    for (coding in xml_find_all(sel, "q:Coding", ns)) {
      name <- unname(code_name[xml_attr(xml_find_first(coding, "q:CodeRef", ns), "targetGUID")])
      if (!grepl("^[A-G][0-9]+ ", name)) next
      rows[[length(rows) + 1]] <- data.frame(
        source = xml_attr(src, "guid"),
        unit = paste(xml_attr(src, "guid"), xml_attr(sel, "startPosition"), xml_attr(sel, "endPosition")),
        code = name, check = xml_attr(coding, "creatingUser") == check_guid)
    }
  }
}
d <- do.call(rbind, rows)
double <- unique(d$source[d$check])
d <- d[d$source %in% double, ]
units <- sort(unique(d$unit))

kappa_of <- function(tab) {
  k <- cohen.kappa(tab)
  list(kappa = k$kappa, std_error = sqrt(k$var.kappa), ci_low = k$confid[1, 1], ci_high = k$confid[1, 3])
}
per_code <- list()
pooled <- matrix(0, 2, 2)
for (code in sort(unique(d$code))) {
  first <- units %in% d$unit[d$code == code & !d$check]
  second <- units %in% d$unit[d$code == code & d$check]
  tab <- unclass(table(factor(first, c(TRUE, FALSE)), factor(second, c(TRUE, FALSE))))
  pooled <- pooled + tab
  entry <- list(code = code, n = length(units), n_first = sum(first), n_check = sum(second),
                n_both = sum(first & second), agreement = mean(first == second))
  varies <- sum(rowSums(tab) * colSums(tab)) / sum(tab)^2 < 1  # else chance agreement is 1: no kappa
  per_code[[code]] <- c(entry, if (varies) kappa_of(tab) else
    list(kappa = NA, std_error = NA, ci_low = NA, ci_high = NA))
}

out <- list(generated_by = "R intercoder.R", r_version = R.version.string,
            psych_version = as.character(packageVersion("psych")),
            check_coder = check_coder, n_documents = length(double), n_units = length(units),
            per_code = unname(per_code),
            pooled = c(list(agreement = sum(diag(pooled)) / sum(pooled)), kappa_of(pooled)))
write(toJSON(out, auto_unbox = TRUE, digits = NA, pretty = TRUE, na = "null"),
      file.path("tests", "reference", "intercoder.json"))
cat("wrote tests/reference/intercoder.json\n")
