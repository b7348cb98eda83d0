# Independent check of Bruggen's secondary suppression (tests/reference/suppression_tables.csv).
#
# For every hidden cell of every table, solve for the smallest and largest value it can
# take given everything published: the shown cells and margins, row and column
# additivity (margins included), and non-negative *integer* cells. Two attackers:
#   relaxed: only x >= 0 (the textbook check);
#   markers: also "<10" = 1..9 for primary cells and "x" = >= 10 for secondary cells.
# A cell is protected when max - min >= 1 (it is not uniquely determined).
# Integer programs via lpSolve (exact, not the LP relaxation the Python tests use).
#
#   Rscript tests/reference/suppression_check.R [tables.csv [output.csv]]
# reads tests/reference/suppression_tables.csv (made by suppression_make_tables.py),
# writes tests/reference/suppression_check_output.csv and exits 1 if any cell is exposed.

suppressPackageStartupMessages(library(lpSolve))

args <- commandArgs(trailingOnly = FALSE)
script <- sub("--file=", "", args[grep("--file=", args)])
here <- if (length(script)) dirname(normalizePath(script)) else "tests/reference"
trailing <- commandArgs(trailingOnly = TRUE)
input <- if (length(trailing) >= 1) trailing[1] else file.path(here, "suppression_tables.csv")
output <- if (length(trailing) >= 2) trailing[2] else file.path(here, "suppression_check_output.csv")
cells <- read.csv(input, stringsAsFactors = FALSE)
min_count <- 10
big <- 1e6

results <- list()
for (tab in unique(cells$table)) {
  t <- cells[cells$table == tab, ]
  nr <- t$n_rows[1]; nc <- t$n_cols[1]
  val <- matrix(NA_real_, nr, nc); st <- matrix("", nr, nc)
  for (k in seq_len(nrow(t))) {
    val[t$row[k] + 1, t$col[k] + 1] <- t$value[k]
    st[t$row[k] + 1, t$col[k] + 1] <- t$status[k]
  }
  hidden <- which(st != "shown", arr.ind = TRUE)
  if (nrow(hidden) == 0) next
  nh <- nrow(hidden)
  idx <- matrix(0L, nr, nc); idx[hidden] <- seq_len(nh)
  # additivity: each row i: sum_j<nc x[i,j] - x[i,nc] = 0 ; each column likewise
  A <- NULL; b <- NULL
  add_line <- function(members, total) {
    row <- numeric(nh); rhs <- 0
    for (m in seq_len(nrow(members))) {
      i <- members[m, 1]; j <- members[m, 2]
      if (idx[i, j] > 0) row[idx[i, j]] <- row[idx[i, j]] + 1 else rhs <- rhs - val[i, j]
    }
    if (idx[total[1], total[2]] > 0) row[idx[total[1], total[2]]] <- row[idx[total[1], total[2]]] - 1
    else rhs <- rhs + val[total[1], total[2]]
    if (any(row != 0)) { A <<- rbind(A, row); b <<- c(b, rhs) }
  }
  for (i in 1:nr) add_line(cbind(i, 1:(nc - 1)), c(i, nc))
  for (j in 1:nc) add_line(cbind(1:(nr - 1), j), c(nr, j))
  for (attacker in c("relaxed", "markers")) {
    lower <- rep(0, nh); upper <- rep(big, nh)
    if (attacker == "markers") {
      prim <- st[hidden] == "primary"
      lower[prim] <- 1; upper[prim] <- min_count - 1
      lower[!prim] <- min_count
    }
    # bounds as constraints: x >= lower, x <= upper
    Ab <- rbind(A, diag(nh), diag(nh))
    dir <- c(rep("=", nrow(A)), rep(">=", nh), rep("<=", nh))
    rhs <- c(b, lower, upper)
    for (h in seq_len(nh)) {
      obj <- numeric(nh); obj[h] <- 1
      lo <- lp("min", obj, Ab, dir, rhs, all.int = TRUE)
      hi <- lp("max", obj, Ab, dir, rhs, all.int = TRUE)
      if (lo$status != 0 || hi$status != 0) stop(sprintf("%s: lp failed for cell %d", tab, h))
      results[[length(results) + 1]] <- data.frame(
        table = tab, row = hidden[h, 1] - 1, col = hidden[h, 2] - 1,
        status = st[hidden[h, 1], hidden[h, 2]], attacker = attacker,
        value = val[hidden[h, 1], hidden[h, 2]],
        min = lo$objval, max = ifelse(hi$objval >= big - 0.5, Inf, hi$objval),
        protected = (hi$objval - lo$objval) >= 1
      )
    }
  }
}
out <- do.call(rbind, results)
out <- out[order(out$table, out$attacker, out$row, out$col), ]
write.csv(out, output, row.names = FALSE)
cat(sprintf("%d hidden cells x 2 attackers checked; %d exposed\n", nrow(out) / 2, sum(!out$protected)))
cat(sprintf("truth inside range: %s\n", all(out$value >= out$min & out$value <= out$max)))
if (any(!out$protected)) quit(status = 1)
