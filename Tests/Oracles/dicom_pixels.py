"""Oracle: pydicom 3's decoding of DICOM files, for NoduleKit's DICOM tests.

Usage: dicom_pixels.py OUTDIR FILE...
For each FILE (numbered in argument order) writes OUTDIR/<n>.bin holding pixel_array
as little-endian float64 in C order (frames, rows, columns, samples) and prints one JSON
object: {"files": [{"path", "status": "ok"|"not_dicom"|"no_pixels"|"cannot_decode",
"transfer_syntax", "shape", "dtype", "photometric", "lossy", "error", "oracle"}]}.
pydicom here has no JPEG plugins (no Pillow, pylibjpeg), so for files it cannot decode
SimpleITK (GDCM, with its own libjpeg/OpenJPEG/CharLS) is asked instead: "oracle" says
which one produced the numbers; SimpleITK's values have RescaleSlope/Intercept applied
("rescale": [slope, intercept] tells the test to apply them to ours).
"""
import json
import os
import sys

import numpy as np
import pydicom
from pydicom.uid import UID

out_dir = sys.argv[1]
results = []
for n, path in enumerate(sys.argv[2:]):
    r = {"path": path, "status": "ok", "index": n}
    try:
        ds = pydicom.dcmread(path, force=True)
    except Exception as e:  # noqa: BLE001 - any parse failure is "not DICOM" here
        r.update(status="not_dicom", error=str(e)[:200])
        results.append(r)
        continue
    ts = ""
    try:
        ts = str(ds.file_meta.TransferSyntaxUID)
    except Exception:  # noqa: BLE001
        pass
    r["transfer_syntax"] = ts
    r["lossy"] = bool(ts and UID(ts).is_compressed and ts not in (
        "1.2.840.10008.1.2.5", "1.2.840.10008.1.2.4.57", "1.2.840.10008.1.2.4.70",
        "1.2.840.10008.1.2.4.80", "1.2.840.10008.1.2.4.90", "1.2.840.10008.1.2.1.99"))
    if "PixelData" not in ds:
        r["status"] = "no_pixels"
        results.append(r)
        continue
    try:
        arr = ds.pixel_array
        r["shape"] = list(arr.shape)
        r["dtype"] = str(arr.dtype)
        r["photometric"] = str(ds.get("PhotometricInterpretation", ""))
        np.ascontiguousarray(arr, dtype="<f8").tofile(os.path.join(out_dir, f"{n}.bin"))
        r["oracle"] = "pydicom"
    except Exception as e:  # noqa: BLE001
        r.update(status="cannot_decode", error=str(e)[:200])
        try:
            import SimpleITK as sitk
            reader = sitk.ImageFileReader()
            reader.SetFileName(path)
            reader.LoadPrivateTagsOn()
            arr = sitk.GetArrayFromImage(reader.Execute())
            frames = int(ds.get("NumberOfFrames", 1) or 1)
            spp = int(ds.get("SamplesPerPixel", 1))
            arr = arr.reshape((frames, int(ds.Rows), int(ds.Columns), spp) if spp > 1 else (frames, int(ds.Rows), int(ds.Columns)))
            np.ascontiguousarray(arr, dtype="<f8").tofile(os.path.join(out_dir, f"{n}.bin"))
            r.update(status="ok", oracle="simpleitk", shape=list(arr.shape), dtype=str(arr.dtype),
                     rescale=[float(ds.get("RescaleSlope", 1) or 1), float(ds.get("RescaleIntercept", 0) or 0)])
        except Exception as e2:  # noqa: BLE001
            r["sitk_error"] = str(e2)[:200]
    results.append(r)
print(json.dumps({"files": results}))
