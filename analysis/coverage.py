#!/usr/bin/python3
"""Coverage of a posterior file's predictive bands, for its targets and for sums of them.

    /usr/bin/python3 analysis/coverage.py POSTERIOR.h5 [NAME=TARGET+TARGET...] [--level 0.9]

For every target of the calibration, prints how many of its observed periods lie inside the
posterior predictive band (the central LEVEL interval, 0.9 by default: the q05-q95 band that
`dispsim info` prints), and the periods outside it. Each NAME=T1+T2+... adds a derived quantity:
per particle, the sum of the targets' simulated values in the same period (from
predictive/particles), with its band from the same weighted quantiles as dispsim's, against the
sum of the observed values. The vehicle arrivals of the 2018-2023 calibration are

    vehicles=recorded_at_port_yearly+recorded_72h_yearly

(the Home Office counts those recorded at UK ports and those recorded within 72 hours of entry
apart). Needs a file with predictive/particles for derived quantities (dispsim 0.3.0 from
2026-12-02); the targets' own rows use the file's q05/q95 when LEVEL is 0.9.
"""
import argparse
import sys

import h5py
import numpy as np


def text(a):
    return [x.decode() if isinstance(x, bytes) else str(x) for x in a]


def wquantile(x, w, q):
    """The smallest value whose cumulative weight reaches q (dispsim's rule, calib_post.c)."""
    keep = ~np.isnan(x) & (w > 0)
    x, w = x[keep], w[keep]
    if x.size == 0:
        return float("nan")
    order = np.argsort(x, kind="stable")
    x, w = x[order], w[order]
    cum = np.cumsum(w)
    i = int(np.searchsorted(cum, q * cum[-1], side="left"))
    return float(x[min(i, x.size - 1)])


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("posterior")
    ap.add_argument("derived", nargs="*", help="NAME=TARGET+TARGET...: a sum of targets per period")
    ap.add_argument("--level", type=float, default=0.9, help="central predictive interval (default 0.9)")
    a = ap.parse_args()
    if not 0 < a.level < 1:
        sys.exit(f"coverage.py: --level must lie in (0, 1), got {a.level}")
    lo_q, hi_q = (1 - a.level) / 2, 1 - (1 - a.level) / 2
    try:
        f = h5py.File(a.posterior, "r")
    except OSError as e:
        sys.exit(f"coverage.py: {a.posterior}: cannot open: {e}")
    with f:
        if "predictive/target" not in f or "posterior/weights" not in f:
            sys.exit(f"coverage.py: {a.posterior}: not a posterior file of dispsim calibrate")
        tgt, per = text(f["predictive/target"][:]), text(f["predictive/period"][:])
        obs = f["predictive/observed"][:]
        w = f["posterior/weights"][:]
        pp = f["predictive/particles"][:] if "predictive/particles" in f else None
        if pp is None and (a.derived or a.level != 0.9):
            sys.exit(f"coverage.py: {a.posterior}: no predictive/particles (a file written before "
                     "2026-12-02): only the targets' own 90% bands can be read")
        if pp is None:
            lo, hi = f["predictive/q05"][:], f["predictive/q95"][:]
        else:
            lo = np.array([wquantile(pp[:, k], w, lo_q) for k in range(len(tgt))])
            hi = np.array([wquantile(pp[:, k], w, hi_q) for k in range(len(tgt))])
    pct = f"{100 * a.level:g}%"
    print(f"{a.posterior}: observed periods inside the {pct} posterior predictive band")
    rows = []
    for name in dict.fromkeys(tgt):
        idx = [k for k, t in enumerate(tgt) if t == name]
        rows.append((name, [(per[k], obs[k], lo[k], hi[k]) for k in idx]))
    for spec in a.derived:
        name, _, rhs = spec.partition("=")
        parts = [p for p in rhs.split("+") if p]
        if not name or not parts:
            sys.exit(f"coverage.py: '{spec}': expected NAME=TARGET+TARGET...")
        for p in parts:
            if p not in tgt:
                sys.exit(f"coverage.py: '{spec}': no target '{p}' in {a.posterior} "
                         f"(targets: {', '.join(dict.fromkeys(tgt))})")
        periods = [per[k] for k, t in enumerate(tgt) if t == parts[0]]
        out = []
        for period in periods:
            ks = [next((k for k, t in enumerate(tgt) if t == p and per[k] == period), None) for p in parts]
            if None in ks:
                continue  # a period not every part has
            x = pp[:, ks].sum(axis=1)
            out.append((period, float(obs[ks].sum()), wquantile(x, w, lo_q), wquantile(x, w, hi_q)))
        if not out:
            sys.exit(f"coverage.py: '{spec}': the targets share no period")
        rows.append((f"{name} (= {' + '.join(parts)})", out))
    total = inside_all = 0
    for name, pts in rows:
        inside = [lo_ <= o <= hi_ for _, o, lo_, hi_ in pts]
        print(f"  {name}: {sum(inside)} of {len(pts)}")
        for (period, o, lo_, hi_), ok in zip(pts, inside):
            if not ok:
                side = "above" if o > hi_ else "below"
                print(f"      {period}: {o:,.6g} {side} [{lo_:,.6g}, {hi_:,.6g}]")
        if " (= " not in name:
            total += len(pts)
            inside_all += sum(inside)
    print(f"  all observed points: {inside_all} of {total}")


if __name__ == "__main__":
    main()
