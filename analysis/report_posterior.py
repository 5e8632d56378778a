"""The posterior page of `dispsim report` (imported by report.py for a file whose root says
dispsim_kind = "posterior"): marginal histograms over the priors' ranges, pair plots, and each
target's posterior predictive band against the observed points. Layout: results/README.md."""
import html

import h5py
import numpy as np
import matplotlib.pyplot as plt


def is_posterior(src):
    with h5py.File(src, "r") as f:
        k = f.attrs.get("dispsim_kind", b"")
        return (k.decode() if isinstance(k, bytes) else str(k)) == "posterior"


def read(src):
    with h5py.File(src, "r") as f:
        s = lambda d: list(f[d].asstr()[...])  # noqa: E731
        r = {"names": s("parameters/name"), "paths": s("parameters/path"), "priors": s("parameters/prior"),
             "lo": f["parameters/prior_min"][...], "hi": f["parameters/prior_max"][...],
             "x": f["posterior/particles"][...], "w": f["posterior/weights"][...],
             "tol": f["generations/tolerance"][...], "acc": f["generations/acceptance"][...],
             "ess": f["generations/ess"][...], "target": s("predictive/target"), "period": s("predictive/period"),
             "calibration": f["provenance/calibration_text"].asstr()[()]}
        for k in ("observed", "mean", "q05", "q50", "q95"):
            r[k] = f["predictive/" + k][...]
        r["path"] = f.attrs["calibration_path"]
        r["path"] = r["path"].decode() if isinstance(r["path"], bytes) else str(r["path"])
        r["seed"], r["reps"] = int(f.attrs["master_seed"]), int(f.attrs["replications"])
    return r


def chart_marginals(r, png, img):
    d = len(r["names"])
    fig, axes = plt.subplots(1, d, figsize=(3.6 * d, 3.0), squeeze=False)
    for j, ax in enumerate(axes[0]):
        ax.hist(r["x"][:, j], bins=30, range=(r["lo"][j], r["hi"][j]), weights=r["w"], color="#4477aa")
        ax.set_xlim(r["lo"][j], r["hi"][j])
        ax.set_title(r["names"][j], fontsize=9)
        ax.set_xlabel(r["priors"][j], fontsize=7)
        ax.set_yticks([])
    fig.tight_layout()
    return img(png(fig), "posterior marginal histograms over the prior ranges")


def chart_pairs(r, png, img):
    d = len(r["names"])
    fig, axes = plt.subplots(d, d, figsize=(2.4 * d, 2.4 * d), squeeze=False)
    size = 4 + 200 * r["w"] / max(r["w"].max(), 1e-300)
    for a in range(d):
        for b in range(d):
            ax = axes[a][b]
            if a == b:
                ax.hist(r["x"][:, a], bins=20, range=(r["lo"][a], r["hi"][a]), weights=r["w"], color="#4477aa")
                ax.set_yticks([])
            else:
                ax.scatter(r["x"][:, b], r["x"][:, a], s=size, alpha=0.4, color="#4477aa", linewidths=0)
                ax.set_ylim(r["lo"][a], r["hi"][a])
            ax.set_xlim(r["lo"][b], r["hi"][b])
            if a == d - 1:
                ax.set_xlabel(r["names"][b], fontsize=8)
            if b == 0:
                ax.set_ylabel(r["names"][a], fontsize=8)
            ax.tick_params(labelsize=6)
    fig.tight_layout()
    return img(png(fig), "pair plots of the posterior particles (size: weight)")


def chart_predictive(r, png, img):
    targets = list(dict.fromkeys(r["target"]))
    fig, axes = plt.subplots(1, len(targets), figsize=(3.8 * len(targets), 3.0), squeeze=False)
    for ax, t in zip(axes[0], targets):
        k = [i for i, x in enumerate(r["target"]) if x == t]
        pos = np.arange(len(k))
        lo, hi = r["q05"][k], r["q95"][k]
        ax.vlines(pos, lo, hi, color="#4477aa", alpha=0.35, linewidth=10, label="predictive 5-95%")
        ax.plot(pos, r["q50"][k], color="#4477aa", marker="_", linestyle="none", label="predictive median")
        ax.plot(pos, r["observed"][k], "ko", markersize=4, label="observed")
        ax.set_xlim(-0.6, len(k) - 0.4)
        ax.set_xticks(pos)
        ax.set_xticklabels([r["period"][i] for i in k], rotation=45, fontsize=7)
        ax.set_title(t, fontsize=9)
    axes[0][0].legend(fontsize=7)
    fig.tight_layout()
    return img(png(fig), "posterior predictive bands against the observed points")


def summary_table(r):
    rows = ["<table><tr><th>parameter</th><th>path</th><th>prior</th><th>mean</th><th>90% interval</th></tr>"]
    for j, n in enumerate(r["names"]):
        o = np.argsort(r["x"][:, j])
        c = np.cumsum(r["w"][o])
        q = [r["x"][o, j][min(np.searchsorted(c, p * c[-1]), len(c) - 1)] for p in (0.05, 0.95)]
        rows.append(f"<tr><td>{html.escape(n)}</td><td>{html.escape(r['paths'][j])}</td>"
                    f"<td>{html.escape(r['priors'][j])}</td><td>{r['w'] @ r['x'][:, j]:.4g}</td>"
                    f"<td>{q[0]:.4g} to {q[1]:.4g}</td></tr>")
    return "\n".join(rows) + "</table>"


def page(src, png, write_page):
    r = read(src)
    parts, charts = [], 0

    def img(uri, alt):
        nonlocal charts
        charts += 1
        return f'<img class="chart" alt="{html.escape(alt)}" src="{uri}">'

    def section(title, body):
        parts.append(f"<h2>{html.escape(title)}</h2>\n{body}")

    gens = ", ".join(f"{t:.3g} ({100 * a:.0f}%, ESS {e:.0f})" for t, a, e in zip(r["tol"], r["acc"], r["ess"]))
    section("Calibration", f"<p>{html.escape(r['path'])}: {len(r['w'])} particles, {len(r['tol'])} generations, "
            f"{r['reps']} replication(s) per particle, seed {r['seed']}. Tolerance (acceptance, ESS) by "
            f"generation: {gens}.</p>" + summary_table(r))
    section("Marginal posteriors", "<p>Weighted histograms over each prior's range.</p>" + chart_marginals(r, png, img))
    section("Pairs", chart_pairs(r, png, img))
    section("Posterior predictive", "<p>Each target's 5-95% band over the particles (each particle's mean "
            "over its replications) and median, against the observed points.</p>" + chart_predictive(r, png, img))
    section("Calibration file", f"<pre>{html.escape(r['calibration'])}</pre>")
    return write_page(parts, charts, "posterior " + r["path"])
