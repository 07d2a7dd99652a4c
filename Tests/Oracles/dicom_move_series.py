"""Oracle helper: a copy of a DICOM series placed in another frame of reference.

Usage: dicom_move_series.py IN_DIR OUT_DIR M00 M01 ... M33
Copies every file of IN_DIR into OUT_DIR with new StudyInstanceUID, SeriesInstanceUID,
SOPInstanceUIDs and FrameOfReferenceUID, and moves each slice's geometry by the rigid
4x4 matrix M (row major): ImagePositionPatient' = M (IPP, 1), ImageOrientationPatient'
= R (row, column). The pixels are unchanged, so the voxel that sat at world x in the
input sits at M x in the output's world: an ITK transform fixed (input) -> moving
(output) that registers them is M itself.
"""
import os
import sys

import numpy as np
import pydicom
from pydicom.uid import generate_uid

src, dst = sys.argv[1], sys.argv[2]
m = np.array([float(v) for v in sys.argv[3:19]]).reshape(4, 4)
os.makedirs(dst, exist_ok=True)
study, series, frame = generate_uid(), generate_uid(), generate_uid()
for name in sorted(os.listdir(src)):
    ds = pydicom.dcmread(os.path.join(src, name))
    ds.StudyInstanceUID, ds.SeriesInstanceUID, ds.FrameOfReferenceUID = study, series, frame
    ds.SOPInstanceUID = generate_uid()
    ds.file_meta.MediaStorageSOPInstanceUID = ds.SOPInstanceUID
    ipp = np.array([float(v) for v in ds.ImagePositionPatient] + [1.0])
    iop = np.array([float(v) for v in ds.ImageOrientationPatient]).reshape(2, 3)
    ds.ImagePositionPatient = [f"{v:.6f}" for v in (m @ ipp)[:3]]
    ds.ImageOrientationPatient = [f"{v:.9f}" for v in (iop @ m[:3, :3].T).reshape(6)]
    ds.SeriesDescription = "moved copy"
    ds.save_as(os.path.join(dst, name))
