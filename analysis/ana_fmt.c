/* Numbers for people to read: see ana_fmt.h. */
#include "ana_fmt.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

/* Digits after the decimal point that give three significant figures to magnitude `mag`. */
static int decimals_for(double mag)
{
    if (!(mag >= 1e-9))
        return 0;
    int e = (int)floor(log10(mag));
    return e >= 2 ? 0 : 2 - e;
}

/* Writes x with `dec` decimals (dec == 0: rounded to three significant figures of `mag`) and
 * thousands separators in the integer part. */
static const char *put(char *buf, size_t n, double x, double mag, int dec)
{
    if (dec == 0 && mag >= 1000.0) {
        double unit = pow(10.0, floor(log10(mag)) - 2.0); /* three significant figures of mag */
        x = round(x / unit) * unit;
    }
    char raw[ANA_FMT_LEN];
    snprintf(raw, sizeof raw, "%.*f", dec, x);
    if (strspn(raw, "-0.") == strlen(raw)) /* -0.000 is zero */
        snprintf(raw, sizeof raw, "%.*f", dec, 0.0);
    const char *digits = raw + (raw[0] == '-');
    size_t whole = strcspn(digits, "."), k = 0;
    char out[ANA_FMT_LEN + 32];
    if (raw[0] == '-')
        out[k++] = '-';
    for (size_t i = 0; digits[i] != '\0' && k + 2 < sizeof out; i++) {
        if (i > 0 && i < whole && (whole - i) % 3 == 0)
            out[k++] = ',';
        out[k++] = digits[i];
    }
    out[k] = '\0';
    snprintf(buf, n, "%s", out);
    return buf;
}

const char *ana_fmt_num(char *buf, size_t n, double x, const char *undefined)
{
    if (!isfinite(x)) {
        snprintf(buf, n, "%s", undefined);
        return buf;
    }
    return put(buf, n, x, fabs(x), decimals_for(fabs(x)));
}

const char *ana_fmt_ci(char *buf, size_t n, double mean, double low, double high, const char *undefined)
{
    if (!isfinite(mean) || !isfinite(low) || !isfinite(high))
        return ana_fmt_num(buf, n, mean, undefined);
    double mag = fmax(fabs(mean), fmax(fabs(low), fabs(high)));
    int dec = decimals_for(mag);
    char m[ANA_FMT_LEN], lo[ANA_FMT_LEN], hi[ANA_FMT_LEN];
    put(m, sizeof m, mean, mag, dec);
    put(lo, sizeof lo, low, mag, dec);
    put(hi, sizeof hi, high, mag, dec);
    snprintf(buf, n, "%s [%s, %s]", m, lo, hi);
    return buf;
}
