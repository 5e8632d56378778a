"""dispsim report: one self-contained HTML page from a results file.

Called by `dispsim report RESULTS.h5 -o REPORT.html` (which checks the file first) with Debian's
/usr/bin/python3, h5py, numpy and matplotlib. The page embeds every chart as a PNG data URI and
needs no network to view. Written to a temporary file beside the output and renamed when complete.

Sections: provenance; arrivals by mode per day (mean and 95% band across replications) for the
baseline and every variant; per variant, the displacement chart (paired change in arrivals by
mode with intervals); the ranking of options by cost per net arrival prevented; the warm-up check
(Welch plot and the MSER-5 truncation point of the baseline's daily total arrivals); the scenario
text."""
import base64
import html
import io
import math
import os
import sys

import h5py
import numpy as np

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402  (after the backend is chosen)
from statistics import NormalDist  # noqa: E402


def t_quantile(p, df):
    """Student-t quantile by the Cornish-Fisher expansion (error < 1e-3 for df >= 3; the bands are
    drawn, not tabulated: the tables come from dispsim's own exact intervals)."""
    z = NormalDist().inv_cdf(p)
    v = float(df)
    return (z + (z**3 + z) / (4 * v) + (5 * z**5 + 16 * z**3 + 3 * z) / (96 * v**2)
            + (3 * z**7 + 19 * z**5 + 17 * z**3 - 15 * z) / (384 * v**3)
            + (79 * z**9 + 776 * z**7 + 1482 * z**5 - 1920 * z**3 - 945 * z) / (92160 * v**4))


def labels(f, name):
    return [s.decode() if isinstance(s, bytes) else str(s) for s in f[name][...]]


def png(fig):
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=90, bbox_inches="tight")
    plt.close(fig)
    return "data:image/png;base64," + base64.b64encode(buf.getvalue()).decode()


def band(x, level=0.95):
    """Mean over axis 0 (replications) and the Student-t interval of that mean."""
    n = x.shape[0]
    m = x.mean(axis=0)
    if n < 2:
        return m, m, m
    half = t_quantile(0.5 + level / 2, n - 1) * x.std(axis=0, ddof=1) / math.sqrt(n)
    return m, m - half, m + half


def rolling(x, k=7):
    """Centred k-day rolling mean along the last axis (edges use what is there)."""
    c = np.cumsum(np.pad(x, [(0, 0)] * (x.ndim - 1) + [(1, 0)]), axis=-1)
    n = x.shape[-1]
    out = np.empty_like(x, dtype=float)
    for i in range(n):
        lo, hi = max(0, i - k // 2), min(n, i + k // 2 + 1)
        out[..., i] = (c[..., hi] - c[..., lo]) / (hi - lo)
    return out


def mser5(y):
    """MSER-5 (White 1997): batch means of 5, truncation d minimising the squared standard error of
    the remaining mean; searched over the first half. Returns the truncation in observations."""
    b = len(y) // 5
    if b < 4:
        return 0, []
    z = np.asarray(y[: 5 * b], dtype=float).reshape(b, 5).mean(axis=1)
    stats = []
    for d in range(b // 2):
        rest = z[d:]
        stats.append(((rest - rest.mean()) ** 2).sum() / (len(rest) ** 2))
    return 5 * int(np.argmin(stats)), stats


def main(src, out):
    with h5py.File(src, "r") as f:
        a = f.attrs
        name = a["scenario_name"]
        name = name.decode() if isinstance(name, bytes) else str(name)
        variants = labels(f, "variant") if "variant" in f else ["baseline"]
        has_modes = "mode" in f and "daily/arrivals" in f
        modes = labels(f, "mode") if has_modes else []
        day = f["day"][...]
        scenario = f["provenance/scenario_text"].asstr()[()]
        daily = f["daily/arrivals"][...] if has_modes else None  # [variant, rep, day, mode]
        if daily is not None and daily.ndim == 3:  # schema 1: no variant axis
            daily = daily[np.newaxis]
        study = {k: f["study/" + k][...] for k in f["study"]} if "study" in f else {}
        mode_total = labels(f, "mode_total") if "mode_total" in f else modes + ["total"]
        reps = int(a["replications"])
        seed = int(a["master_seed"])
        version = a["program_version"]
        version = version.decode() if isinstance(version, bytes) else str(version)
        warmup_units = f["day"].attrs.get("units", b"")
        warmup_units = warmup_units.decode() if isinstance(warmup_units, bytes) else str(warmup_units)

    parts = []
    charts = 0

    def section(title, body):
        parts.append(f"<h2>{html.escape(title)}</h2>\n{body}")

    def img(src_uri, alt):
        nonlocal charts
        charts += 1
        return f'<img class="chart" alt="{html.escape(alt)}" src="{src_uri}">'

    section("Run", f"<p>Scenario <b>{html.escape(name)}</b>, dispsim {html.escape(version)}, master seed {seed}, "
            f"{reps} replications of {len(variants)} variant(s): {html.escape(', '.join(variants))}. "
            f"Days are counted in {html.escape(warmup_units)}.</p>")

    if daily is not None:
        nm = len(modes)
        cols = 3
        rows = math.ceil((nm + 1) / cols)
        fig, axes = plt.subplots(rows, cols, figsize=(5 * cols, 3.2 * rows), squeeze=False)
        series = np.concatenate([daily, daily.sum(axis=3, keepdims=True)], axis=3).astype(float)
        for k, mode in enumerate(modes + ["total"]):
            ax = axes[k // cols][k % cols]
            for v, vname in enumerate(variants):
                m, lo, hi = band(rolling(series[v, :, :, k]))
                ax.plot(day, m, label=vname, lw=1.2)
                ax.fill_between(day, lo, hi, alpha=0.2)
            ax.set_title(mode)
            ax.set_xlabel("day")
            ax.set_ylabel("arrivals per day (7-day mean)")
        for k in range(nm + 1, rows * cols):
            axes[k // cols][k % cols].axis("off")
        axes[0][0].legend(fontsize=7)
        fig.tight_layout()
        section("Arrivals by mode per day",
                "<p>Mean over replications and its 95% band, 7-day centred rolling mean, for every variant.</p>"
                + img(png(fig), "arrivals by mode per day"))

    if "arrivals_change" in study and len(variants) > 1:
        ch = study["arrivals_change"]  # [variant, mode_total, stat]
        level = float(study.get("confidence_level", np.array(0.95)))
        body = [f"<p>Paired change in arrivals against the baseline (same random numbers, replication by "
                f"replication), with intervals at {100 * level:.4g}%"
                + (" (Bonferroni-adjusted)" if len(variants) > 2 else "") + ".</p>"]
        for v in range(1, len(variants)):
            fig, ax = plt.subplots(figsize=(7, 3))
            mean, lo, hi = ch[v, :, 0], ch[v, :, 1], ch[v, :, 2]
            colours = ["#b2182b" if x > 0 else "#2166ac" for x in mean]
            ax.bar(mode_total, mean, color=colours, yerr=[mean - lo, hi - mean], capsize=4)
            ax.axhline(0, color="black", lw=0.8)
            ax.set_ylabel("change in arrivals (people)")
            ratio = study.get("displacement_ratio")
            tm = int(study["targeted_mode"][v]) if "targeted_mode" in study else -1
            title = variants[v]
            if ratio is not None and not math.isnan(ratio[v, 0]) and tm >= 0:
                title += f": displacement ratio {ratio[v, 0]:.2f} [{ratio[v, 1]:.2f}, {ratio[v, 2]:.2f}] from {modes[tm]}"
            ax.set_title(title, fontsize=9)
            body.append(img(png(fig), f"displacement chart {variants[v]}"))
        section("Displacement by variant", "\n".join(body))

        per = study.get("cost_per_net_arrival_prevented")
        cost = study.get("cost_eur")
        det = study.get("net_deterrence")
        if per is not None:
            rows_html = []
            ranked = sorted(range(1, len(variants)), key=lambda v: (math.isnan(per[v, 0]), per[v, 0]))
            fig, ax = plt.subplots(figsize=(7, 0.5 + 0.45 * len(ranked)))
            ys, shown = [], []
            for i, v in enumerate(ranked):
                c = per[v]
                if not math.isnan(c[0]):
                    ys.append(i)
                    shown.append(v)
                    ax.errorbar(c[0], i, xerr=[[c[0] - c[1]], [c[2] - c[0]]], fmt="o", capsize=4)
                rows_html.append(
                    f"<tr><td>{i + 1}</td><td>{html.escape(variants[v])}</td><td>{cost[v]:,.0f}</td>"
                    f"<td>{det[v, 0]:,.0f} [{det[v, 1]:,.0f}, {det[v, 2]:,.0f}]</td>"
                    + (f"<td>{c[0]:,.0f} [{c[1]:,.0f}, {c[2]:,.0f}]</td>" if not math.isnan(c[0])
                       else "<td>undefined: no significant net deterrence</td>") + "</tr>")
            ax.set_yticks(range(len(ranked)))
            ax.set_yticklabels([variants[v] for v in ranked])
            ax.invert_yaxis()
            ax.set_xlabel("EUR per net arrival prevented")
            ax.set_title("Options ranked by cost per net arrival prevented", fontsize=9)
            table = ("<table><tr><th>rank</th><th>variant</th><th>cost (EUR)</th><th>net deterrence</th>"
                     "<th>EUR per net arrival prevented</th></tr>" + "".join(rows_html) + "</table>")
            section("Ranking of options", img(png(fig), "ranking by cost per net arrival prevented") + table)

    if daily is not None:
        total = daily[0].sum(axis=2).astype(float)  # baseline [rep, day]
        welch = rolling(total.mean(axis=0)[np.newaxis], 15)[0]
        cut, stats = mser5(total.mean(axis=0))
        fig, (a1, a2) = plt.subplots(1, 2, figsize=(12, 3.2))
        a1.plot(day, total.mean(axis=0), lw=0.6, color="grey", label="mean over replications")
        a1.plot(day, welch, lw=1.5, label="moving average (15 days)")
        a1.axvline(day[0] + cut, color="red", ls="--", label=f"MSER-5 truncation: {cut} days")
        a1.set_title("Welch plot: baseline total arrivals per day", fontsize=9)
        a1.legend(fontsize=7)
        if stats:
            a2.plot(np.arange(len(stats)) * 5, stats)
            a2.set_title("MSER-5 statistic by truncation (days into the window)", fontsize=9)
        section("Warm-up", f"<p>The daily series start after the scenario's warm-up. MSER-5 on the baseline's "
                f"mean daily total arrivals suggests truncating <b>{cut}</b> more days"
                + (" (the configured warm-up suffices)." if cut == 0 else "; consider a longer warm-up.")
                + "</p>" + img(png(fig), "Welch plot and MSER-5"))

    section("Scenario", f"<pre>{html.escape(scenario)}</pre>")

    page = ("<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>dispsim report: "
            f"{html.escape(name)}</title><style>body{{font-family:sans-serif;max-width:1100px;margin:2em auto;}}"
            "img.chart{max-width:100%;display:block;margin:1em 0;}table{border-collapse:collapse;}"
            "td,th{border:1px solid #ccc;padding:2px 6px;font-size:90%;}pre{background:#f6f6f6;padding:1em;"
            "font-size:80%;overflow:auto;}</style></head><body>\n"
            f"<h1>dispsim report: {html.escape(name)}</h1>\n" + "\n".join(parts)
            # For automated checks: how many charts the browser decoded.
            + "\n<script>window.addEventListener('load', () => { document.body.dataset.chartsLoaded = "
            "[...document.images].filter(i => i.complete && i.naturalWidth > 0).length; });</script>"
            + "\n</body></html>\n")
    tmp = f"{out}.tmp.{os.getpid()}"
    try:
        with open(tmp, "w", encoding="utf-8") as fh:
            fh.write(page)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, out)
    except OSError as e:
        if os.path.exists(tmp):
            os.unlink(tmp)
        print(f"dispsim report: {out}: cannot write: {e.strerror}", file=sys.stderr)
        return 73
    print(f"dispsim report: {charts} charts; wrote {out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2]))
