"""dispsim report, end to end: a study is run, its report rendered by headless Chromium, and the
page must show every chart (the browser decodes each embedded PNG) and no network access.

Run by ctest with Debian's /usr/bin/python3 and /usr/bin/chromium (setup.sh installs both).
Arguments: the dispsim executable, the source directory, and where to leave the screenshot."""
import os
import re
import signal
import subprocess
import sys
import tempfile
import time

import h5py
import matplotlib.image
import numpy as np

dispsim, src, shot = sys.argv[1], sys.argv[2], sys.argv[3]
chromium = ["/usr/bin/chromium", "--headless=new", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
            "--disable-background-networking", "--virtual-time-budget=5000"]
with tempfile.TemporaryDirectory() as tmp:
    h5 = os.path.join(tmp, "study.h5")
    page = os.path.join(tmp, "study.html")
    subprocess.run([dispsim, "run", os.path.join(src, "scenarios/inspector-study.yaml"), "-r", "2", "-q", "-o", h5],
                   check=True)
    subprocess.run([dispsim, "report", h5, "-o", page], check=True)
    text = open(page, encoding="utf-8").read()
    expected = text.count('<img class="chart"')
    # Cost against effect, the time series, 13 displacement charts (one a variant), the per-port
    # displacement of the lorry measures, the warm-up check; and the ranking when a
    # variant surely lowers total arrivals (with 2 replications, often none does).
    with h5py.File(h5, "r") as f:
        ranked = bool(np.isfinite(f["study/cost_per_net_arrival_prevented"][1:, 0]).any())
    assert expected == 17 + ranked, (expected, ranked)
    for must in ('alt="cost against effect"', 'alt="per-port displacement"', "interventions start",
                 "analysis window 2023-01-01 to 2023-12-31", "30 more officers across the controls",
                 "from 2023-01-01 to the end", "more days: "):
        assert must in text, must
    words = re.sub(r'src="data:[^"]*"', "", text)  # the page without its embedded images
    assert not re.search(r"\bnan\b", words, re.IGNORECASE), "nan on the page"
    # One replication: the page says intervals need two, and Python prints no warning.
    one = os.path.join(tmp, "one.h5")
    subprocess.run([dispsim, "run", os.path.join(src, "scenarios/inspector-study.yaml"), "-r", "1", "-q", "-o",
                    one], check=True)
    done = subprocess.run([dispsim, "report", one, "-o", os.path.join(tmp, "one.html")], check=True,
                          capture_output=True, text=True)
    # Nothing is sure without intervals: no ranking chart, so 17 charts (13 variants).
    assert done.stderr.startswith("dispsim report: 17 charts") and done.stderr.count("\n") == 1, done.stderr
    assert "intervals need at least two" in open(os.path.join(tmp, "one.html"), encoding="utf-8").read()
    # A checkpoint (of a run stopped by SIGTERM) gets a plain message, not an HDF5 error.
    part = os.path.join(tmp, "part.h5")
    proc = subprocess.Popen([dispsim, "run", os.path.join(src, "scenarios/baseline.yaml"), "-r", "60", "-j", "1",
                             "-q", "-o", part])
    deadline = time.time() + 300
    while time.time() < deadline and not (os.path.exists(part + ".ckpt") and os.path.getsize(part + ".ckpt") > 4096):
        time.sleep(0.2)
    proc.send_signal(signal.SIGTERM)
    assert proc.wait(timeout=300) == 75 and os.path.exists(part + ".ckpt"), "no checkpoint to report on"
    done = subprocess.run([dispsim, "report", part + ".ckpt", "-o", os.path.join(tmp, "ckpt.html")],
                          capture_output=True, text=True)
    assert done.returncode == 75 and "checkpoint of an interrupted run" in done.stderr, done.stderr
    assert "HDF5" not in done.stderr and not os.path.exists(os.path.join(tmp, "ckpt.html")), done.stderr

    assert not re.search(r'(src|href)="https?:', text), "the page must not fetch anything"
    dom = subprocess.run(chromium + ["--dump-dom", "file://" + page], check=True, capture_output=True,
                         text=True, timeout=120).stdout
    loaded = re.search(r'data-charts-loaded="(\d+)"', dom)
    assert loaded and int(loaded.group(1)) == expected, (loaded and loaded.group(1), expected)
    subprocess.run(chromium + ["--window-size=1200,7000", "--screenshot=" + shot, "file://" + page], check=True,
                   capture_output=True, timeout=120)
    pixels = matplotlib.image.imread(shot)[..., :3]
    coloured = ((pixels.max(axis=2) - pixels.min(axis=2)) > 0.25).mean()  # chart lines, bands, bars
    inked = (pixels.mean(axis=2) < 0.9).mean()
    assert coloured > 0.001 and inked > 0.02, f"screenshot nearly blank: {coloured:.4f} coloured, {inked:.4f} inked"
    print(f"report: {expected} charts decoded by Chromium; screenshot {shot} "
          f"({coloured:.2%} coloured, {inked:.1%} inked pixels)")
