# Printing of the query results. Every print shows the status and the reliability flags; a result whose status is
# "not_identifiable" prints its plug-in value and says that no estimate, sd, interval or p-value can be given, instead
# of printing those numbers (they stay in the object: unclass() or str() shows them).

.num <- function(x, digits = 4) if (is.na(x)) "NA" else format(signif(x, digits), digits = digits, scientific = if (digits > 6) 12 else 0)
.pval <- function(p) if (is.na(p)) "NA" else format.pval(p, digits = 3)
.pct <- function(level) if (is.null(level) || is.na(level)) "" else paste0(formatC(100 * level, format = "g"), "% ")

# The lines of one statistic with its interval: plug-in value, then the interval or why there is none.
.interval_lines <- function(what, plugin, estimate, sd, ci, p_value, method, status, reason, level, z = NULL) {
  head <- sprintf("%s: %s (plug-in)", what, .num(plugin))
  if (!identical(status, "ok"))
    return(c(head, sprintf("  %s interval: NOT IDENTIFIABLE%s: no estimate, sd, interval or p-value can be given (the data carry no information for them)",
                           method, if (is.na(reason)) "" else sprintf(" (%s)", reason))))
  c(head, sprintf("  %s estimate %s, sd %s, %sinterval [%s, %s]%s, p = %s", method, .num(estimate), .num(sd), .pct(level),
                  .num(ci[[1]]), .num(ci[[2]]), if (is.null(z)) "" else sprintf(", z = %s", .num(z, 3)), .pval(p_value)))
}

# Status and flags, naming the flagged words of a result's `words` (glovev_reliability records).
.status_lines <- function(status, reason, flags, words = NULL) {
  st <- paste(unique(ifelse(is.na(reason) | status == "ok", status, sprintf("%s (%s)", status, reason))), collapse = "; ")
  out <- sprintf("status: %s; flags: %s", st, .flag_text(flags))
  if (!is.na(flags) && bitwAnd(as.integer(flags), .flag_bits[["uncalibrated"]]) != 0L)
    out <- c(out, "uncalibrated: at these words' noise ratios the coverage studies show this method under-covering: read the interval as too narrow")
  if (length(words)) {
    bad <- Filter(function(r) !is.null(r$flags) && r$flags != 0L, words)
    if (length(bad))
      out <- c(out, sprintf("unreliable words: %s (see glovev_reliability)",
                            paste(vapply(bad, function(r) sprintf("%s [%s]", r$word, sub("^[0-9]+ \\((.*)\\)$", "\\1", .flag_text(r$flags))), ""),
                                  collapse = ", ")))
  }
  out
}

#' Format and print glovev results
#'
#' Compact summaries of the query results (glovev_similarity, glovev_compare, glovev_weat, glovev_rnd,
#' glovev_weat_difference, glovev_rnd_difference, their intervals, glovev_evaluate, glovev_evaluate_compare). Each
#' shows the plug-in value, the interval with its method and level, the status and the reliability flags (naming the
#' unreliable words). A result whose status is "not_identifiable" shows its plug-in value and says that no estimate,
#' sd, interval or p-value can be given; the numbers the core returned stay in the object (see unclass(x)). The
#' results are lists: x$estimate, x$ci, ... work as before. print returns x invisibly; format returns the lines.
#' @param x A result of one of the query functions.
#' @param ... Ignored.
#' @name glovev_print
NULL

#' @rdname glovev_print
#' @export
format.glovev_interval <- function(x, ...)
  c(.interval_lines("value", x$plugin, x$estimate, x$sd, x$ci, x$p_value, x$method, x$status, x$reason, attr(x, "level")),
    .status_lines(x$status, x$reason, x$flags))

#' @rdname glovev_print
#' @export
format.glovev_similarity <- function(x, ...) {
  w <- attr(x, "pair")
  c(sprintf("<glovev cosine similarity%s>", if (length(w) == 2) sprintf(" of %s and %s", w[[1]], w[[2]]) else ""),
    .interval_lines("cosine", x$plugin, x$estimate, x$sd, x$ci, x$p_value, x$method, x$status, x$reason, attr(x, "level")),
    .status_lines(x$status, x$reason, x$flags, x$words))
}

#' @rdname glovev_print
#' @export
format.glovev_difference <- function(x, ...) {
  p <- attr(x, "pairs")
  what <- if (length(p) == 2) sprintf("cos(%s, %s) - cos(%s, %s)", p[[1]][[1]], p[[1]][[2]], p[[2]][[1]], p[[2]][[2]]) else "difference"
  c("<glovev comparison of two cosine similarities>",
    .interval_lines(what, x$plugin, x$diff, x$sd, x$ci, x$p_value, x$method, x$status, x$reason, attr(x, "level"), z = x$z),
    .status_lines(x$status, x$reason, x$flags, x$words))
}

#' @rdname glovev_print
#' @export
format.glovev_weat <- function(x, ...) {
  e <- x$effect_size_interval; s <- x$statistic_interval
  c("<glovev WEAT>",
    sprintf("permutation test: p = %s (%s permutations%s)", .pval(x$p_value), .num(x$permutations, 10), if (isTRUE(x$exact)) ", all of them" else ""),
    .interval_lines("effect size", e$plugin, e$estimate, e$sd, e$ci, e$p_value, e$method, e$status, e$reason, attr(x, "level")),
    .interval_lines("statistic", s$plugin, s$estimate, s$sd, s$ci, s$p_value, s$method, s$status, s$reason, attr(x, "level")),
    .status_lines(c(e$status, s$status), c(e$reason, s$reason), bitwOr(e$flags, s$flags), x$words))
}

#' @rdname glovev_print
#' @export
format.glovev_rnd <- function(x, ...) {
  iv <- x$interval
  c(sprintf("<glovev relative norm distance over %s neutral words>", .num(x$neutral, 10)),
    .interval_lines("RND", x$value, iv$estimate, iv$sd, iv$ci, iv$p_value, iv$method, iv$status, iv$reason, attr(x, "level"), z = x$z),
    .status_lines(iv$status, iv$reason, iv$flags, x$words))
}

#' @rdname glovev_print
#' @export
format.glovev_bias_difference <- function(x, ...) {
  iv <- x$difference
  stat <- if (is.null(attr(x, "statistic"))) "bias score" else attr(x, "statistic")
  c(sprintf("<glovev difference of two %ss: first %s, second %s>", stat, .num(x$first), .num(x$second)),
    .interval_lines("first - second", iv$plugin, iv$estimate, iv$sd, iv$ci, iv$p_value, iv$method, iv$status, iv$reason, attr(x, "level")),
    .status_lines(iv$status, iv$reason, iv$flags, x$words))
}

.correlation_line <- function(name, value, p, iv)
  sprintf("%s %s (p = %s), interval [%s, %s] at %s (sd %s: pairs %s, embedding noise %s)", name, .num(value), .pval(p),
          .num(iv$ci[[1]]), .num(iv$ci[[2]]), sub(" $", "", .pct(iv$level)), .num(iv$sd), .num(iv$sd_pairs), .num(iv$sd_noise))

#' @rdname glovev_print
#' @export
format.glovev_benchmark <- function(x, ...) {
  c(sprintf("<glovev benchmark%s: %s of %s pairs used, %s out of vocabulary>",
            if (is.null(attr(x, "benchmark"))) "" else paste0(" ", basename(attr(x, "benchmark"))), .num(x$used, 10), .num(x$pairs, 10), .num(x$oov, 10)),
    .correlation_line("spearman", x$spearman, x$spearman_p, x$spearman_interval),
    .correlation_line("pearson ", x$pearson, x$pearson_p, x$pearson_interval),
    sprintf("flagged words: %s of %s%s", .num(x$flagged_words, 10), .num(x$words, 10),
            if (x$flagged_words > 0) " (no covariance, noise ratio >= 1 or training not converged; see glovev_reliability)" else ""))
}

#' @rdname glovev_print
#' @export
format.glovev_benchmark_comparison <- function(x, ...) {
  c(sprintf("<glovev paired benchmark comparison on %s pairs>", .num(x$pairs, 10)),
    sprintf("spearman a %s, b %s; a - b %s, sd %s, %sinterval [%s, %s], p = %s", .num(x$spearman_a), .num(x$spearman_b), .num(x$diff),
            .num(x$sd), .pct(x$level), .num(x$ci[[1]]), .num(x$ci[[2]]), .pval(x$p_value)),
    sprintf("flags: model a %s; model b %s", .flag_text(x$flags_a), .flag_text(x$flags_b)))
}

.print_lines <- function(x, ...) {
  cat(format(x, ...), sep = "\n")
  invisible(x)
}

#' @rdname glovev_print
#' @export
print.glovev_interval <- .print_lines
#' @rdname glovev_print
#' @export
print.glovev_similarity <- .print_lines
#' @rdname glovev_print
#' @export
print.glovev_difference <- .print_lines
#' @rdname glovev_print
#' @export
print.glovev_weat <- .print_lines
#' @rdname glovev_print
#' @export
print.glovev_rnd <- .print_lines
#' @rdname glovev_print
#' @export
print.glovev_bias_difference <- .print_lines
#' @rdname glovev_print
#' @export
print.glovev_benchmark <- .print_lines
#' @rdname glovev_print
#' @export
print.glovev_benchmark_comparison <- .print_lines

# Notes under a table of results (glovev_similarities, glovev_most_similar): how many rows are not identifiable and
# which flags the rows carry. Columns a user dropped are not reported on.
.table_notes <- function(x) {
  out <- character()
  if (!is.null(x$status)) {
    bad <- which(!is.na(x$status) & x$status == "not_identifiable")
    if (length(bad))
      out <- c(out, sprintf("# %d of %d rows NOT IDENTIFIABLE [rows %s%s]: their estimate, mean, sd and p-values carry no information and lower/upper are NaN; only the plug-in value stands",
                            length(bad), nrow(x), .rows(bad), if (is.null(x$reason)) "" else {
                              r <- unique(stats::na.omit(x$reason[bad])); if (length(r)) paste0("; ", paste(r, collapse = ", ")) else "" }))
  }
  if (!is.null(x$flags)) {
    f <- which(!is.na(x$flags) & x$flags != 0L)
    if (length(f))
      out <- c(out, sprintf("# %d of %d rows flagged [rows %s]: %s; see glovev_reliability", length(f), nrow(x), .rows(f),
                            sub("^[0-9]+ \\((.*)\\)$", "\\1", .flag_text(Reduce(bitwOr, x$flags[f], 0L)))))
  }
  out
}

.rows <- function(i) if (length(i) > 10) paste(c(head(i, 10), "..."), collapse = ", ") else paste(i, collapse = ", ")

#' Print tables of glovev results
#'
#' glovev_similarities and glovev_most_similar return data frames (classes "glovev_similarities" and
#' "glovev_neighbours" over "data.frame"): they print as data frames, followed by notes on the rows whose status is
#' "not_identifiable" (their estimate, mean, sd and p-values carry no information), on the rows with reliability
#' flags and, for neighbours, on the search. Returns x invisibly.
#' @param x A result of glovev_similarities or glovev_most_similar.
#' @param ... Passed to print.data.frame.
#' @name glovev_print_table
NULL

#' @rdname glovev_print_table
#' @export
print.glovev_similarities <- function(x, ...) {
  print.data.frame(x, ...)
  notes <- .table_notes(x)
  if (length(notes)) cat(notes, sep = "\n")
  invisible(x)
}

#' @rdname glovev_print_table
#' @export
print.glovev_neighbours <- function(x, ...) {
  print.data.frame(x, ...)
  notes <- .table_notes(x)
  s <- attr(x, "search")
  if (!is.null(s))
    notes <- c(notes, sprintf("# search: %s of the %s other words drawn jointly with %s in %s draws; each p_top_k may be overstated by up to %s",
                              .num(s$candidates, 10), .num(s$searched, 10), if (is.null(attr(x, "query"))) "the query" else sprintf("'%s'", attr(x, "query")),
                              .num(s$draws, 10), .num(s$omitted_bound, 3)))
  if (length(notes)) cat(notes, sep = "\n")
  invisible(x)
}
