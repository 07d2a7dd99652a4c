"""Oracle: pydicom's apply_color_lut on PALETTE COLOR images.

Usage: dicom_palette.py OUTDIR FILE...
Writes OUTDIR/<n>.bin (RGB as little-endian float64) and prints JSON
{"files": [{"path", "status": "ok"|"error", "error"}]}.
"""
import json
import os
import sys

import numpy as np
import pydicom
from pydicom.pixels import apply_color_lut

out, results = sys.argv[1], []
for n, path in enumerate(sys.argv[2:]):
    try:
        ds = pydicom.dcmread(path, force=True)
        rgb = apply_color_lut(ds.pixel_array, ds)
        np.ascontiguousarray(rgb, dtype="<f8").tofile(os.path.join(out, f"{n}.bin"))
        results.append({"path": path, "status": "ok"})
    except Exception as e:  # noqa: BLE001
        results.append({"path": path, "status": "error", "error": str(e)[:200]})
print(json.dumps({"files": results}))
