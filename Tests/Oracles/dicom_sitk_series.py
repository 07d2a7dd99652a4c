"""Oracle: SimpleITK's ImageSeriesReader (GDCM) on a DICOM series folder.

Usage: dicom_sitk_series.py DIR OUTFILE [SERIES_UID]
       dicom_sitk_series.py --files OUTFILE FILE...   (read in the order given)
Writes the voxels (after RescaleSlope/Intercept, as SimpleITK applies them) as
little-endian float32, i fastest, to OUTFILE and prints JSON: size, origin, spacing,
direction (row-major), pixel_type, files (in SimpleITK's slice order), series (all UIDs).
"""
import json
import sys

import numpy as np
import SimpleITK as sitk

if sys.argv[1] == "--files":
    out, names, uids = sys.argv[2], sys.argv[3:], []
else:
    folder, out = sys.argv[1], sys.argv[2]
    uids = list(sitk.ImageSeriesReader.GetGDCMSeriesIDs(folder))
    uid = sys.argv[3] if len(sys.argv) > 3 else (uids[0] if uids else "")
    names = sitk.ImageSeriesReader.GetGDCMSeriesFileNames(folder, uid)
if len(names) == 1:
    image = sitk.ReadImage(names[0])  # one (possibly multi-frame) file: no series dimension
else:
    reader = sitk.ImageSeriesReader()
    reader.SetFileNames(names)
    image = reader.Execute()
np.ascontiguousarray(sitk.GetArrayFromImage(image), dtype="<f4").tofile(out)
print(json.dumps({
    "size": list(image.GetSize()),
    "origin": list(image.GetOrigin()),
    "spacing": list(image.GetSpacing()),
    "direction": list(image.GetDirection()),
    "pixel_type": image.GetPixelIDTypeAsString(),
    "files": [n.split("/")[-1] for n in names],
    "series": uids,
}))
