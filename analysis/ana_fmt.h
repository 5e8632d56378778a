/* ana_fmt.h: numbers for people to read: about three significant figures, thousands separators,
 * never exponent notation, never "nan".
 *
 * 1098440 -> "1,100,000", 26120.9 -> "26,100", 446.2 -> "446", 7.25 -> "7.25", 0.3101 -> "0.310",
 * -0.00142 -> "-0.00142". Magnitudes below 1e-9 print as "0". The functions write into caller
 * storage and return it; they never allocate and are thread-safe. */
#ifndef ANA_FMT_H
#define ANA_FMT_H

#include <stddef.h>

/* A buffer size that holds any formatted number or interval of this module. */
enum { ANA_FMT_LEN = 96 };

/* Writes x with about three significant figures into buf (n bytes, n >= ANA_FMT_LEN to be sure of
 * no truncation); a non-finite x is written as `undefined` (e.g. "n/a"). Returns buf. */
const char *ana_fmt_num(char *buf, size_t n, double x, const char *undefined);

/* Writes "mean [low, high]" with one precision for the three (three significant figures of the
 * largest), so the bounds line up with the mean; only "mean" when low or high is not finite (fewer
 * than two replications), and `undefined` when the mean is not finite. Returns buf. */
const char *ana_fmt_ci(char *buf, size_t n, double mean, double low, double high, const char *undefined);

#endif
