"""dispsim report, end to end: a study is run, its report rendered by headless Chromium, and the
page must show every chart (the browser decodes each embedded PNG) and no network access.

Run by ctest with Debian's /usr/bin/python3 and /usr/bin/chromium (setup.sh installs both).
Arguments: the dispsim executable, the source directory, and where to leave the screenshot."""
import os
import re
import subprocess
import sys
import tempfile

import matplotlib.image

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
    # 1 time-series chart, 5 displacement charts, the ranking, the warm-up check.
    assert expected == 8, expected
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
