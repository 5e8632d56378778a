"""The results/README.md recipes, run for real: a study file read with h5py and xarray, and the
tidy table of `dispsim info --csv` read with pandas.

Run by ctest with Debian's /usr/bin/python3 (python3-h5py, python3-xarray, python3-h5netcdf,
python3-pandas, which python3-xarray brings).
Arguments: the dispsim executable and the source directory."""
import io
import os
import subprocess
import sys
import tempfile

import h5py
import numpy as np
import pandas as pd
import xarray as xr

dispsim, src = sys.argv[1], sys.argv[2]
with tempfile.TemporaryDirectory() as tmp:
    path = os.path.join(tmp, "study.h5")
    subprocess.run([dispsim, "run", os.path.join(src, "scenarios/inspector-study.yaml"), "-r", "2", "-q",
                    "-o", path], check=True)

    with h5py.File(path, "r") as f:
        assert f.attrs["complete"] == 1 and f.attrs["dispsim_schema_version"] == 2
        arrivals = f["daily/lorries_arrived"]
        dims = [arrivals.dims[k][0].name.lstrip("/") for k in range(arrivals.ndim)]
        assert dims == ["variant", "replication", "day", "port"], dims
        variants = list(f["variant"].asstr()[...])
        assert variants[0] == "baseline" and "anpr_integrated" in variants, variants
        ports = list(f["port"].asstr()[...])
        assert ports == ["calais", "coquelles", "dunkerque"], ports
        assert f["provenance/scenario_text"].asstr()[()].startswith("# ")
        assert f["provenance/stream_seed"].shape[0] == 2

    def open_group(group, engine="h5netcdf"):
        root = xr.open_dataset(path, engine=engine)
        ds = xr.open_dataset(path, group=group, engine=engine, decode_timedelta=False)
        return ds.assign_coords({d: root[d] for d in ds.dims if d in root.variables})

    daily = open_group("daily")
    wait = daily.search_wait_mean_min.sel(variant="baseline").mean("replication").sel(port="calais")
    assert 0 < float(wait.mean()) < 60, float(wait.mean())
    totals = open_group("totals")
    change = totals.arrivals - totals.arrivals.sel(variant="baseline")
    study = open_group("study")
    # The study's paired mean is the mean of the replication-by-replication differences.
    total = change.sum("mode").mean("replication")
    for v in variants:
        got = float(study.arrivals_change.sel(variant=v, mode_total="total", stat="mean"))
        assert np.isclose(got, float(total.sel(variant=v))), (v, got, float(total.sel(variant=v)))
    assert (study.arrivals_change.sel(variant="baseline") == 0).all()
    # The targeted mode is a label: a mode's name, or "none" (the baseline's).
    targets = [str(t) for t in study.targeted_mode.values]
    assert targets[0] == "none" and set(targets) <= set(totals.mode.values.astype(str)) | {"none"}, targets
    # info --csv loads straight into pandas: one row per variant, quantity and mode (or port).
    csv = subprocess.run([dispsim, "info", "--csv", path], check=True, capture_output=True, text=True).stdout
    table = pd.read_csv(io.StringIO(csv))
    assert list(table.columns) == ["variant", "quantity", "mode", "mean", "ci95_low", "ci95_high"]
    assert not table.duplicated(["variant", "quantity", "mode"]).any()
    for q in ("displacement_ratio", "net_deterrence", "cost_per_net_arrival_prevented", "freight_delay_added_min"):
        assert sorted(table[table.quantity == q].variant) == sorted(variants[1:]), q
    det = table.set_index(["variant", "quantity", "mode"])["mean"]
    for v in variants[1:]:
        assert np.isclose(det[(v, "net_deterrence", "total")], -float(total.sel(variant=v))), v
    print("h5py, xarray and pandas recipes: ok;", len(variants), "variants;", len(table), "CSV rows")
