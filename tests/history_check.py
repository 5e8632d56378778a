"""The history scenario against the observed years: runs scenarios/history-2018-2023.yaml, sums the
daily arrivals by calendar year and mode, prints simulated against observed
(../shared/data/observed.csv, copied into the table below), and checks the direction of the
2018-2023 shift (the boat share of arrivals rising from a few percent to most of them) and the
order of magnitude of every year's total.

Run by ctest with Debian's /usr/bin/python3. Arguments: dispsim, the source directory, and
optionally a results file to read instead of running (for documentation runs)."""
import datetime
import os
import subprocess
import sys
import tempfile

import h5py
import numpy as np

# observed.csv: irregular_arrivals_* by year (people detected). "vehicle" is recorded at UK ports
# plus recorded in the UK within 72 hours (mostly lorries); total is the sum of the four methods.
OBSERVED = {
    2018: {"small_boat": 299, "vehicle": 1052 + 7257, "air": 4769, "total": 13377},
    2019: {"small_boat": 1843, "vehicle": 959 + 8492, "air": 5237, "total": 16531},
    2020: {"small_boat": 8466, "vehicle": 808 + 5428, "air": 2328, "total": 17030},
    2021: {"small_boat": 28526, "vehicle": 662 + 5036, "air": 2561, "total": 36785},
    2022: {"small_boat": 45774, "vehicle": 291 + 3379, "air": 5130, "total": 54574},
    2023: {"small_boat": 29437, "vehicle": 236 + 2836, "air": 3854, "total": 36363},
}


def yearly(path):
    with h5py.File(path, "r") as f:
        modes = list(f["mode"].asstr()[...])
        day = f["day"][...]
        units = f["day"].attrs["units"]
        units = units.decode() if isinstance(units, bytes) else str(units)
        start = datetime.date.fromisoformat(units.split("since ")[1][:10])
        arrivals = f["daily/arrivals"][0].astype(float)  # baseline [rep, day, mode]
    years = np.array([(start + datetime.timedelta(days=float(d))).year for d in day])
    out = {}
    for y in sorted(set(years)):
        per_rep = arrivals[:, years == y, :].sum(axis=1)  # [rep, mode]
        m = per_rep.mean(axis=0)
        row = {mode: m[i] for i, mode in enumerate(modes)}
        row["vehicle"] = sum(row[k] for k in ("lorry", "other_ports", "cars_rail") if k in row)
        row["total"] = m.sum()
        out[int(y)] = row
    return out


def main():
    dispsim, src = sys.argv[1], sys.argv[2]
    with tempfile.TemporaryDirectory() as tmp:
        path = sys.argv[3] if len(sys.argv) > 3 else os.path.join(tmp, "history.h5")
        if len(sys.argv) <= 3:
            subprocess.run([dispsim, "run", os.path.join(src, "scenarios/history-2018-2023.yaml"), "-r", "4",
                            "-q", "-o", path], check=True)
        sim = yearly(path)
    print("| year | small boats sim / obs | vehicles sim / obs | air sim / obs | total sim / obs "
          "| boat share sim / obs |")
    print("|---|---|---|---|---|---|")
    for y in sorted(OBSERVED):
        s, o = sim[y], OBSERVED[y]
        print(f"| {y} | {s['small_boat']:,.0f} / {o['small_boat']:,} | {s['vehicle']:,.0f} / {o['vehicle']:,} | "
              f"{s['air']:,.0f} / {o['air']:,} | {s['total']:,.0f} / {o['total']:,} | "
              f"{s['small_boat'] / s['total']:.0%} / {o['small_boat'] / o['total']:.0%} |")
    share = {y: sim[y]["small_boat"] / sim[y]["total"] for y in sim}
    problems = []
    if not share[2018] < 0.15:
        problems.append(f"2018 boat share {share[2018]:.0%}, expected a few percent")
    if not (share[2022] > 0.6 and share[2023] > 0.6):
        problems.append(f"2022/2023 boat shares {share[2022]:.0%}/{share[2023]:.0%}, expected most arrivals")
    if not share[2018] < share[2020] < share[2022]:
        problems.append("the boat share does not rise 2018 -> 2020 -> 2022")
    for y, o in OBSERVED.items():
        ratio = sim[y]["total"] / o["total"]
        if not 1 / 3 <= ratio <= 3:
            problems.append(f"{y}: total {sim[y]['total']:.0f} vs observed {o['total']} (x{ratio:.2f})")
    if problems:
        print("history check failed:\n  " + "\n  ".join(problems))
        return 1
    print("history check: the shift to boats and every year's order of magnitude reproduced")
    return 0


if __name__ == "__main__":
    sys.exit(main())
