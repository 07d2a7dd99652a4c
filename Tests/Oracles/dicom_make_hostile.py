"""Writes malformed variants of real compressed files that once crashed GDCM (found by
fuzzing NoduleKit's reader): attributes that contradict the codestreams.

Usage: dicom_make_hostile.py SOURCE_DIR OUTDIR   (SOURCE_DIR: pydicom-data's data folder)
Prints JSON {"files": [names]}.
"""
import json
import os
import sys

import pydicom

src, out = sys.argv[1], sys.argv[2]
os.makedirs(out, exist_ok=True)
names = []


def variant(source, name, **changes):
    ds = pydicom.dcmread(os.path.join(src, source))
    for key, value in changes.items():
        setattr(ds, key, value)
    ds.save_as(os.path.join(out, name))
    names.append(name)


for source, tag in (("emri_small_jpeg_ls_lossless.dcm", "jls"), ("emri_small_jpeg_2k_lossless.dcm", "j2k")):
    variant(source, f"{tag}_planar7.dcm", PlanarConfiguration=7)
    variant(source, f"{tag}_rows128.dcm", Rows=128)
    variant(source, f"{tag}_frames20.dcm", NumberOfFrames=20)
    variant(source, f"{tag}_rgb.dcm", SamplesPerPixel=3, PhotometricInterpretation="RGB")
    variant(source, f"{tag}_photometric.dcm", PhotometricInterpretation="NONSENSE")
print(json.dumps({"files": names}))
