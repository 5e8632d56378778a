"""dispsim report for a sensitivity file (`dispsim sensitivity`): one self-contained HTML page.

Called by report.py when the file's root says dispsim_kind = "sensitivity". Sections: what was
varied (parameters and ranges), then per output (a study metric of one variant) the first- and
total-order Sobol indices as bars with their bootstrap intervals, parameters ranked by ST, and the
Morris screening plot (mu* against sigma); the sensitivity and study texts."""
import html

import h5py
import numpy as np


def _text(x):
    return x.decode() if isinstance(x, bytes) else str(x)


def read(src):
    r = {}
    with h5py.File(src, "r") as f:
        a = f.attrs
        r["version"], r["path"] = _text(a["program_version"]), _text(a["sensitivity_path"])
        r["seed"], r["reps"] = int(a["master_seed"]), int(a["replications"])
        strs = lambda k: [_text(x) for x in f[k][...]]  # noqa: E731
        r["names"], r["paths"], r["scales"] = strs("parameters/name"), strs("parameters/path"), strs("parameters/scale")
        r["min"], r["max"] = f["parameters/min"][...], f["parameters/max"][...]
        r["labels"], r["units"] = strs("outputs/label"), strs("outputs/units")
        r["sobol"] = None
        if "sobol" in f:
            g = f["sobol"]
            r["sobol"] = dict(S1=g["S1"][...], ST=g["ST"][...], undefined=g["undefined_points"][...],
                              n=int(g.attrs["base_samples"]), level=float(g["level"][0]))
        r["morris"] = None
        if "morris" in f:
            g = f["morris"]
            r["morris"] = dict(mu_star=g["mu_star"][...], sigma=g["sigma"][...],
                               undefined=g["undefined_points"][...], r=int(g.attrs["trajectories"]))
        r["npoints"] = f["design/theta"].shape[0]
        r["sens_text"] = f["provenance/sensitivity_text"].asstr()[()]
    return r


def chart_sobol(plt, png, r, k, img):
    s = r["sobol"]
    s1, st = s["S1"][k], s["ST"][k]  # [parameter, stat]
    order = np.argsort(-np.nan_to_num(st[:, 0], nan=-1.0), kind="stable")
    y = np.arange(len(order))
    fig, ax = plt.subplots(figsize=(8, 0.45 * len(order) + 1.2))
    for off, v, lab, c in ((-0.18, st, "ST (total)", "#1f77b4"), (0.18, s1, "S1 (first order)", "#ff7f0e")):
        m, lo, hi = v[order, 0], v[order, 1], v[order, 2]
        ax.barh(y + off, m, height=0.34, color=c, label=lab)
        ax.errorbar(m, y + off, xerr=[np.maximum(m - lo, 0), np.maximum(hi - m, 0)], fmt="none", ecolor="#333",
                    capsize=2, lw=1)
    ax.set_yticks(y, [r["names"][j] for j in order])
    ax.invert_yaxis()
    ax.axvline(0, color="#999", lw=0.8)
    ax.set_xlabel(f"Sobol index ({100 * s['level']:.4g}% bootstrap intervals)")
    ax.set_title(r["labels"][k])
    ax.legend(loc="lower right", fontsize=8)
    return img(png(fig), f"Sobol indices of {r['labels'][k]}")


def chart_morris(plt, png, r, k, img):
    m = r["morris"]
    x, y = m["mu_star"][k], m["sigma"][k]
    fig, ax = plt.subplots(figsize=(6, 4))
    ax.scatter(x, y, color="#2ca02c")
    for j, name in enumerate(r["names"]):
        ax.annotate(name, (x[j], y[j]), fontsize=8, xytext=(3, 3), textcoords="offset points")
    ax.set_xlabel(f"mu* ({r['units'][k]} per whole range)")
    ax.set_ylabel("sigma")
    ax.set_title(f"Morris screening: {r['labels'][k]}")
    return img(png(fig), f"Morris effects of {r['labels'][k]}")


def sections(src, plt, png, img):
    """The page's (title, body) sections and its name."""
    r = read(src)
    parts = [("Analysis", f"<p>Sensitivity file <b>{html.escape(r['path'])}</b>, dispsim "
              f"{html.escape(r['version'])}, seed {r['seed']}, {r['reps']} replications of every variant "
              f"at each of {r['npoints']} points, paired by replication as in a study.</p>")]
    rows = "".join(f"<tr><td>{html.escape(n)}</td><td>{html.escape(p) or '(dummy)'}</td><td>{lo:g}</td>"
                   f"<td>{hi:g}</td><td>{html.escape(sc)}</td></tr>"
                   for n, p, lo, hi, sc in zip(r["names"], r["paths"], r["min"], r["max"], r["scales"]))
    parts.append(("Parameters", "<table><tr><th>name</th><th>path</th><th>min</th><th>max</th><th>scale</th>"
                  f"</tr>{rows}</table>"))
    for k, label in enumerate(r["labels"]):
        body = []
        if r["sobol"] is not None:
            und = r["sobol"]["undefined"][k]
            if und > 0:
                body.append(f"<p>Undefined at {und:.0f} points of the Sobol design: no indices.</p>")
            elif np.all(np.isfinite(r["sobol"]["ST"][k])):
                body.append(chart_sobol(plt, png, r, k, img))
            else:
                body.append("<p>The metric does not vary over the design: no indices.</p>")
        if r["morris"] is not None and r["morris"]["undefined"][k] == 0:
            body.append(chart_morris(plt, png, r, k, img))
        parts.append((f"{label} ({r['units'][k]})", "\n".join(body)))
    parts.append(("Sensitivity file", f"<pre>{html.escape(r['sens_text'])}</pre>"))
    return parts, f"sensitivity {r['path']}"


def is_sensitivity(src):
    with h5py.File(src, "r") as f:
        return _text(f.attrs.get("dispsim_kind", b"")) == "sensitivity"
