"""dispsim report: one self-contained HTML page from a results file.

Called by `dispsim report RESULTS.h5 -o REPORT.html` (which checks the file first) with Debian's
/usr/bin/python3, h5py, numpy and matplotlib. The page embeds every chart as a PNG data URI and
needs no network to view. Written to a temporary file beside the output and renamed when complete.

Sections: provenance; the variants (description, interventions and their dates); the decision:
net arrivals prevented against cost (with intervals) and the ranking by cost per net arrival
prevented; arrivals by mode per calendar day (mean and 95% band across replications), one colour
per variant, dashed where its interventions start and dotted where they end; per variant, the
displacement chart (paired change in arrivals by mode); for measures at the ports or on lorries,
the per-port displacement (paired change in people carried and passed at each control); the
warm-up check (Welch plot and the MSER-5 truncation point of the baseline's daily total arrivals,
as a warm-up in days); the scenario text. Intervention dates and descriptions are read from the
scenario text stored in the file (provenance/scenario_text)."""
import base64
import datetime as dt
import html
import io
import math
import os
import sys

import h5py
import numpy as np

import matplotlib

matplotlib.use("Agg")
import matplotlib.dates as mdates  # noqa: E402  (after the backend is chosen)
import matplotlib.patches  # noqa: E402
import matplotlib.ticker  # noqa: E402
import matplotlib.pyplot as plt  # noqa: E402
import yaml  # noqa: E402  (python3-yaml)
from statistics import NormalDist  # noqa: E402

BASELINE_COLOUR = "#222222"
PALETTE = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#17becf",
           "#bcbd22", "#7f7f7f"]


def t_quantile(p, df):
    """Student-t quantile by the Cornish-Fisher expansion (error < 1e-3 for df >= 3; the bands are
    drawn, not tabulated: the tables come from dispsim's own exact intervals)."""
    if df == 1:  # exact: Cauchy
        return math.tan(math.pi * (p - 0.5))
    if df == 2:  # exact
        return (2 * p - 1) / math.sqrt(2 * p * (1 - p))
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
    """Mean over axis 0 (replications) and the Student-t interval of that mean (the mean itself
    with one replication: no interval, and no warning)."""
    n = x.shape[0]
    m = x.mean(axis=0)
    if n < 2:
        return m, m, m
    half = t_quantile(0.5 + level / 2, n - 1) * x.std(axis=0, ddof=1) / math.sqrt(n)
    return m, m - half, m + half


def colour(v):
    return BASELINE_COLOUR if v == 0 else PALETTE[(v - 1) % len(PALETTE)]


def fmt(x):
    """About three significant figures with thousands separators; never an exponent or nan."""
    if x is None or not math.isfinite(x):
        return "n/a"
    mag = abs(x)
    if mag < 1e-9:
        return "0"
    e = math.floor(math.log10(mag))
    if e >= 2:
        unit = 10.0 ** max(e - 2, 0)
        return f"{round(x / unit) * unit:,.0f}"
    return f"{x:,.{2 - e}f}"


def fmt_ci(c):
    """'mean [low, high]', or the mean alone when the interval is undefined (one replication)."""
    if not math.isfinite(c[1]) or not math.isfinite(c[2]):
        return fmt(c[0])
    return f"{fmt(c[0])} [{fmt(c[1])}, {fmt(c[2])}]"


def to_date(x, start):
    if isinstance(x, dt.datetime):
        return x.date()
    if isinstance(x, dt.date):
        return x
    try:
        return dt.date.fromisoformat(str(x))
    except ValueError:
        return None


def study_plan(scenario, variants, start):
    """Per variant: its description and interventions (path, op, value, from, to, ramp) from the
    scenario text; the baseline's own interventions (history runs) apply to every variant."""
    try:
        doc = yaml.safe_load(scenario) or {}
    except yaml.YAMLError:
        doc = {}
    common = doc.get("interventions") or []
    listed = {v.get("name"): v for v in (doc.get("variants") or []) if isinstance(v, dict)}
    sweep = doc.get("sweep") or {}
    plan = []
    for i, name in enumerate(variants):
        spec = listed.get(name, {})
        items = list(common) + list(spec.get("interventions") or [])
        desc = spec.get("description") or ("the scenario as written" if i == 0 else "")
        if not spec and i > 0 and sweep:
            desc = f"sweep point of {sweep.get('path', '?')} ({sweep.get('op', '?')})"
            items = list(common) + [{"path": sweep.get("path", "?"), "op": sweep.get("op", "?"), "from": None}]
        rows = []
        for it in items:
            if not isinstance(it, dict):
                continue
            begin = to_date(it.get("from"), start) if it.get("from") is not None else start
            end = to_date(it.get("to"), start) if it.get("to") is not None else None
            rows.append({"path": str(it.get("path", "?")), "op": str(it.get("op", "?")),
                         "value": it.get("value", ""), "from": max(begin, start) if begin else start,
                         "to": end, "ramp": it.get("ramp_days"), "common": it in common})
        plan.append({"description": str(desc), "interventions": rows})
    return plan, doc


def lorry_measure(p):
    return any(r["path"].startswith("ports.") or r["path"].startswith("modes.lorry.")
               for r in p["interventions"] if not r["common"])


def paired_ci(x, v, level):
    """Paired change of variant v against the baseline over axis 1 (replications): mean, low, high
    arrays over the remaining axes (NaN bounds with one replication)."""
    d = x[v].astype(float) - x[0].astype(float)
    n = d.shape[0]
    m = d.mean(axis=0)
    if n < 2:
        nan = np.full_like(m, np.nan)
        return m, nan, nan
    half = t_quantile(0.5 + level / 2, n - 1) * d.std(axis=0, ddof=1) / math.sqrt(n)
    return m, m - half, m + half


def err(mean, lo, hi):
    """Error bar lengths, zero where the interval is undefined."""
    lo = np.where(np.isfinite(lo), lo, mean)
    hi = np.where(np.isfinite(hi), hi, mean)
    return [np.asarray(mean) - lo, hi - np.asarray(mean)]


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


def read(src):
    """Everything the page shows, read once."""
    r = {}
    with h5py.File(src, "r") as f:
        a = f.attrs
        text = lambda x: x.decode() if isinstance(x, bytes) else str(x)  # noqa: E731
        r["name"], r["version"] = text(a["scenario_name"]), text(a["program_version"])
        r["variants"] = labels(f, "variant") if "variant" in f else ["baseline"]
        r["modes"] = labels(f, "mode") if "mode" in f and "daily/arrivals" in f else []
        r["ports"] = labels(f, "port") if "port" in f else []
        r["day"] = f["day"][...]
        units = text(f["day"].attrs.get("units", b""))
        r["start"] = dt.date.fromisoformat(units.split("since", 1)[1].strip()[:10]) if "since" in units else None
        r["scenario"] = f["provenance/scenario_text"].asstr()[()]
        daily = f["daily/arrivals"][...] if r["modes"] else None  # [variant, rep, day, mode]
        if daily is not None and daily.ndim == 3:  # schema 1: no variant axis
            daily = daily[np.newaxis]
        r["daily"] = daily
        r["study"] = {k: f["study/" + k][...] for k in f["study"]} if "study" in f else {}
        if "study/targeted_mode" in f and f["study/targeted_mode"].dtype.kind == "O":
            r["study"]["targeted_mode"] = list(f["study/targeted_mode"].asstr()[...])
        r["mode_total"] = labels(f, "mode_total") if "mode_total" in f else r["modes"] + ["total"]
        r["port_totals"] = {k: f["totals/" + k][...] for k in ("people_carried", "people_passed")
                            if "totals/" + k in f and f["totals/" + k].ndim == 3}
        r["reps"], r["seed"] = int(a["replications"]), int(a["master_seed"])
    return r


def chart_time_series(r, plan, dates, img):
    daily, variants, modes = r["daily"], r["variants"], r["modes"]
    nm, cols = len(modes), 3
    rows = math.ceil((nm + 1) / cols)
    fig, axes = plt.subplots(rows, cols, figsize=(5 * cols, 3.3 * rows), squeeze=False)
    series = np.concatenate([daily, daily.sum(axis=3, keepdims=True)], axis=3).astype(float)
    for k, mode in enumerate(modes + ["total"]):
        ax = axes[k // cols][k % cols]
        peak = 0.0
        for v, vname in enumerate(variants):
            m, lo, hi = band(rolling(series[v, :, :, k]))
            ax.plot(dates, m, label=vname, lw=1.2, color=colour(v))
            peak = max(peak, float(np.nanmax(m)) if m.size else 0.0)
            if r["reps"] > 1:  # arrivals cannot be negative: the band stops at zero
                ax.fill_between(dates, np.maximum(lo, 0), hi, alpha=0.08, color=colour(v), lw=0)
            markers(ax, plan[v], colour(v), dates, v)
        ax.set_title(mode, fontsize=10)
        # The means decide the scale; bands of a few replications may run off the top.
        ax.set_ylim(0, max(ax.get_ylim()[1] if r["reps"] > 9 else 0.0, 1.9 * peak, 1e-9))
        ax.set_xlabel("date")
        ax.set_ylabel("arrivals per day (7-day mean)")
        date_axis(ax, dates)
        handles, names = ax.get_legend_handles_labels()
        handles += [plt.Line2D([], [], color="grey", ls="--"), plt.Line2D([], [], color="grey", ls=":")]
        ax.legend(handles, names + ["interventions start", "interventions end"], fontsize=6, ncol=2)
    for k in range(nm + 1, rows * cols):
        axes[k // cols][k % cols].axis("off")
    fig.tight_layout()
    return img(png(fig), "arrivals by mode per day")


def date_axis(ax, dates):
    ax.xaxis.set_major_locator(mdates.MonthLocator(bymonth=[1, 4, 7, 10]))
    ax.xaxis.set_major_formatter(mdates.DateFormatter("%Y-%m-%d"))
    ax.set_xlim(dates[0] - dt.timedelta(days=6), dates[-1] + dt.timedelta(days=1))
    for t in ax.get_xticklabels():
        t.set_rotation(30)
        t.set_fontsize(7)


def markers(ax, p, c, dates, row):
    """Dashed where the variant's own interventions start, dotted where they end (inside the
    window; a start before the window is drawn at its first day), with a triangle in the
    variant's colour along the top, one row per variant, so that dates shared by several
    variants stay visible."""
    top = ax.get_xaxis_transform()
    for it in p["interventions"]:
        if it["common"]:
            continue
        for when, ls, mk in ((it["from"], "--", "v"), (it["to"], ":", "^")):
            if when is None or not (when <= dates[-1]) or (ls == ":" and when < dates[0]):
                continue
            x = max(when, dates[0])
            ax.axvline(x, color=c, ls=ls, lw=1.0, alpha=0.8)
            ax.plot([x], [1.0 - 0.045 * row], marker=mk, color=c, ms=5, transform=top, clip_on=False)


def chart_cost_effect(r, img):
    st, variants = r["study"], r["variants"]
    det, cost = st["net_deterrence"], st["cost_eur"]
    fig, ax = plt.subplots(figsize=(8, 4.5))
    for v in range(1, len(variants)):
        ax.errorbar(cost[v], det[v, 0], yerr=[[det[v, 0] - np.nan_to_num(det[v, 1], nan=det[v, 0])],
                                                 [np.nan_to_num(det[v, 2], nan=det[v, 0]) - det[v, 0]]],
                    fmt="o", capsize=5, color=colour(v), label=variants[v], ms=7)
        ax.annotate(variants[v], (cost[v], det[v, 0]), textcoords="offset points", xytext=(6, 6), fontsize=8)
    ax.axhline(0, color="black", lw=0.8)
    ax.set_xlabel("cost of the interventions over the analysis window (EUR)")
    ax.set_ylabel("net arrivals prevented (people)")
    ax.xaxis.set_major_formatter(matplotlib.ticker.FuncFormatter(lambda x, _: f"{x:,.0f}"))
    ax.yaxis.set_major_formatter(matplotlib.ticker.FuncFormatter(lambda x, _: f"{x:,.0f}"))
    ax.set_xlim(left=-0.03 * max(float(np.nanmax(cost[1:])), 1.0))  # a free option stays visible
    ax.set_title("Cost against effect: up and to the left is better", fontsize=10)
    ax.legend(fontsize=7)
    return img(png(fig), "cost against effect")


def chart_ranking(r, img):
    st, variants = r["study"], r["variants"]
    per, cost, det = st["cost_per_net_arrival_prevented"], st["cost_eur"], st["net_deterrence"]
    ranked = sorted(range(1, len(variants)), key=lambda v: (math.isnan(per[v, 0]), per[v, 0]))
    chart = any(not math.isnan(per[v, 0]) for v in ranked)
    fig, ax = plt.subplots(figsize=(7, 0.8 + 0.45 * len(ranked)))
    rows_html = []
    for i, v in enumerate(ranked):
        c = per[v]
        if not math.isnan(c[0]):
            ax.errorbar(c[0], i, xerr=err(np.array([c[0]]), np.array([c[1]]), np.array([c[2]])), fmt="o",
                        capsize=4, color=colour(v), label=variants[v])
        rank = str(i + 1) if not math.isnan(c[0]) else "-"
        rows_html.append(f"<tr><td>{rank}</td><td>{html.escape(variants[v])}</td><td>{fmt(cost[v])}</td>"
                         f"<td>{fmt_ci(det[v])}</td><td>"
                         + (fmt_ci(c) if not math.isnan(c[0]) else "no sure net fall in arrivals") + "</td></tr>")
    ax.set_yticks(range(len(ranked)))
    ax.set_yticklabels([variants[v] for v in ranked])
    ax.invert_yaxis()
    ax.set_xlabel("EUR per net arrival prevented")
    ax.xaxis.set_major_formatter(matplotlib.ticker.FuncFormatter(lambda x, _: f"{x:,.0f}"))
    ax.set_title("Options ranked by cost per net arrival prevented (lower is better)", fontsize=9)
    if ax.get_legend_handles_labels()[0]:
        ax.legend(fontsize=7)
    table = ("<table><tr><th>rank</th><th>variant</th><th>cost (EUR)</th><th>net arrivals prevented</th>"
             "<th>EUR per net arrival prevented</th></tr>" + "".join(rows_html) + "</table>")
    if not chart:
        plt.close(fig)
        return "<p>No variant surely lowers total arrivals: there is nothing to rank by cost.</p>" + table
    return img(png(fig), "ranking by cost per net arrival prevented") + table


def chart_displacement(r, v, img):
    st, variants, mode_total = r["study"], r["variants"], r["mode_total"]
    ch = st["arrivals_change"]  # [variant, mode_total, stat]
    fig, ax = plt.subplots(figsize=(7, 3))
    mean, lo, hi = ch[v, :, 0], ch[v, :, 1], ch[v, :, 2]
    colours = ["#b2182b" if x > 0 else "#2166ac" for x in mean]
    ax.bar(mode_total, mean, color=colours, yerr=err(mean, lo, hi), capsize=4, edgecolor=colour(v), lw=1.5)
    ax.axhline(0, color="black", lw=0.8)
    ax.set_ylabel("change in arrivals (people)")
    ax.set_xlabel("entry mode")
    ratio = st.get("displacement_ratio")
    tm = st.get("targeted_mode")
    target = tm[v] if isinstance(tm, list) else (r["modes"][int(tm[v])] if tm is not None and tm[v] >= 0 else "none")
    title = variants[v]
    if ratio is not None and not math.isnan(ratio[v, 0]) and target != "none":
        title += f": displacement ratio {fmt_ci(ratio[v])} from {target}"
    ax.set_title(title, fontsize=9, color=colour(v))
    ax.legend(handles=[matplotlib.patches.Patch(color="#b2182b", label="rise"),
                       matplotlib.patches.Patch(color="#2166ac", label="fall")], fontsize=7)
    return img(png(fig), f"displacement chart {variants[v]}")


def chart_ports(r, shown, level, img):
    ports, variants = r["ports"], r["variants"]
    qs = list(r["port_totals"])
    fig, axes = plt.subplots(1, len(qs), figsize=(6 * len(qs), 3.4), squeeze=False)
    width = 0.8 / max(len(shown), 1)
    for k, q in enumerate(qs):
        ax = axes[0][k]
        for j, v in enumerate(shown):
            m, lo, hi = paired_ci(r["port_totals"][q], v, level)
            x = np.arange(len(ports)) + (j - (len(shown) - 1) / 2) * width
            ax.bar(x, m, width, yerr=err(m, lo, hi), capsize=3, color=colour(v), label=variants[v])
        ax.axhline(0, color="black", lw=0.8)
        ax.set_xticks(range(len(ports)))
        ax.set_xticklabels(ports)
        ax.set_xlabel("control (port)")
        ax.set_ylabel(f"change in {q.replace('_', ' ')} (people)")
        ax.set_title({"people_carried": "people hidden in lorries reaching each control",
                      "people_passed": "people getting through each control"}.get(q, q), fontsize=9)
        ax.legend(fontsize=7)
    fig.tight_layout()
    return img(png(fig), "per-port displacement")


def chart_warmup(r, dates, doc, img):
    total = r["daily"][0].sum(axis=2).astype(float)  # baseline [rep, day]
    mean = total.mean(axis=0)
    welch = rolling(mean[np.newaxis], 15)[0]
    cut, stats = mser5(mean)
    warm = (doc.get("calendar") or {}).get("warmup_days")
    fig, (a1, a2) = plt.subplots(1, 2, figsize=(12, 3.4))
    a1.plot(dates, mean, lw=0.6, color="grey", label="mean over replications")
    a1.plot(dates, welch, lw=1.5, color=BASELINE_COLOUR, label="moving average (15 days)")
    a1.axvline(dates[min(cut, len(dates) - 1)], color="red", ls="--", label=f"MSER-5 truncation: {cut} days")
    a1.set_title("Welch plot: baseline total arrivals per day", fontsize=9)
    a1.set_xlabel("date")
    a1.set_ylabel("total arrivals per day (people)")
    date_axis(a1, dates)
    a1.legend(fontsize=7)
    if stats:
        a2.plot(np.arange(len(stats)) * 5, stats, color=BASELINE_COLOUR, label="MSER-5 statistic")
        a2.axvline(cut, color="red", ls="--", label=f"minimum: {cut} days")
        a2.set_xlabel("days cut from the start of the analysis window")
        a2.set_ylabel("squared standard error of the rest")
        a2.legend(fontsize=7)
    a2.set_title("MSER-5 statistic by truncation", fontsize=9)
    if cut == 0:
        advice = "the configured warm-up suffices"
    elif isinstance(warm, int):
        advice = f"consider a warm-up of <b>{warm + cut} days</b> (calendar.warmup_days: {warm + cut}, now {warm})"
    else:
        advice = f"consider a warm-up {cut} days longer"
    text = (f"<p>The daily series start after the scenario's warm-up ({warm if warm is not None else '?'} days). "
            f"MSER-5 on the baseline's mean daily total arrivals suggests cutting <b>{cut}</b> more days: "
            f"{advice}.</p>")
    return text + img(png(fig), "Welch plot and MSER-5")


def variants_table(r, plan):
    rows = []
    for v, name in enumerate(r["variants"]):
        items = "<br>".join(
            html.escape(f"{it['path']} {it['op']} {it['value']}, from {it['from']}"
                        + (f" to {it['to']} (exclusive)" if it["to"] else " to the end")
                        + (f", ramp {it['ramp']} days" if it["ramp"] else "")
                        + (" (every variant)" if it["common"] else ""))
            for it in plan[v]["interventions"]) or "none"
        rows.append(f'<tr><td><span class="sw" style="background:{colour(v)}"></span> {html.escape(name)}</td>'
                    f"<td>{html.escape(plan[v]['description'])}</td><td>{items}</td></tr>")
    return ("<table><tr><th>variant</th><th>description</th><th>interventions</th></tr>" + "".join(rows)
            + "</table>")


def main_sensitivity(src, out):
    import report_sens  # beside this script
    charts = 0

    def img(src_uri, alt):
        nonlocal charts
        charts += 1
        return f'<img class="chart" alt="{html.escape(alt)}" src="{src_uri}">'

    secs, name = report_sens.sections(src, plt, png, img)
    parts = [f"<h2>{html.escape(t)}</h2>\n{b}" for t, b in secs]
    return write_page(out, name, parts, charts)


def main(src, out):
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    import report_posterior  # noqa: E402  (beside this script)
    if report_posterior.is_posterior(src):
        return report_posterior.page(src, png, lambda parts, n, name: write_page(out, name, parts, n))
    import report_sens  # beside this script
    if report_sens.is_sensitivity(src):
        return main_sensitivity(src, out)
    r = read(src)
    variants, study = r["variants"], r["study"]
    start = r["start"] or dt.date(1970, 1, 1)
    dates = [start + dt.timedelta(days=float(d)) for d in r["day"]]
    plan, doc = study_plan(r["scenario"], variants, dates[0])
    level = float(study.get("confidence_level", np.array(0.95)))
    parts = []
    charts = 0

    def section(title, body):
        parts.append(f"<h2>{html.escape(title)}</h2>\n{body}")

    def img(src_uri, alt):
        nonlocal charts
        charts += 1
        return f'<img class="chart" alt="{html.escape(alt)}" src="{src_uri}">'

    one = " One replication: intervals need at least two, so only means are drawn." if r["reps"] < 2 else ""
    section("Run", f"<p>Scenario <b>{html.escape(r['name'])}</b>, dispsim {html.escape(r['version'])}, master "
            f"seed {r['seed']}, {r['reps']} replications of {len(variants)} variant(s); analysis window "
            f"{dates[0]} to {dates[-1]}.{one}</p>")
    section("Variants", variants_table(r, plan))
    if "net_deterrence" in study and len(variants) > 1:
        adj = " (Bonferroni-adjusted: 95% for all variants together)" if len(variants) > 2 else ""
        section("Decision: effect against cost",
                f"<p>Net arrivals prevented (the fall in total arrivals against the baseline, paired by "
                f"replication) against the cost of each variant's interventions, intervals at "
                f"{100 * level:.4g}%{adj}.</p>" + chart_cost_effect(r, img) + chart_ranking(r, img))
    if r["daily"] is not None:
        section("Arrivals by mode per day",
                "<p>Mean over replications and its 95% band, 7-day centred rolling mean, one colour per "
                "variant; dashed lines: a variant's interventions start, dotted: they end.</p>"
                + chart_time_series(r, plan, dates, img))
    if "arrivals_change" in study and len(variants) > 1:
        body = [f"<p>Paired change in arrivals against the baseline (same random numbers, replication by "
                f"replication), with intervals at {100 * level:.4g}%.</p>"]
        body += [chart_displacement(r, v, img) for v in range(1, len(variants))]
        section("Displacement by variant", "\n".join(body))
    lorry = [v for v in range(1, len(variants)) if lorry_measure(plan[v])]
    if lorry and r["port_totals"] and r["ports"]:
        section("Per-port displacement of the measures at the ports and on lorries",
                f"<p>Paired change against the baseline at each control, intervals at {100 * level:.4g}%: "
                "a fall at one control with a rise at another is displacement between ports.</p>"
                + chart_ports(r, lorry, level, img))
    if r["daily"] is not None:
        section("Warm-up", chart_warmup(r, dates, doc, img))
    section("Scenario", f"<pre>{html.escape(r['scenario'])}</pre>")
    return write_page(out, r["name"], parts, charts)


def write_page(out, name, parts, charts):
    page = ("<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>dispsim report: "
            f"{html.escape(name)}</title><style>body{{font-family:sans-serif;max-width:1100px;margin:2em auto;}}"
            "img.chart{max-width:100%;display:block;margin:1em 0;}table{border-collapse:collapse;}"
            "td,th{border:1px solid #ccc;padding:2px 6px;font-size:90%;vertical-align:top;}"
            ".sw{display:inline-block;width:0.9em;height:0.9em;border-radius:2px;}"
            "pre{background:#f6f6f6;padding:1em;font-size:80%;overflow:auto;}</style></head><body>\n"
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
