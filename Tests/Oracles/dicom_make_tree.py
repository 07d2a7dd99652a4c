"""Builds a synthetic DICOM tree with pydicom for NoduleKit's series tests.

Usage: dicom_make_tree.py OUTDIR
Layout (all CT, int16 stored, RescaleIntercept -1024, explicit VR little endian):
  mixed/     oblique series A (12 slices, 20x16, rotated 30 deg about z then 20 about x,
             2.5 mm apart), shuffled file names, InstanceNumber reversed against position;
             series B (5 axial slices, 12x10, uint16) in the same folder; notes.txt and
             random.bin (not DICOM)
  gap/       8 axial slices 3 mm apart with the 4th (index 3) removed
  dup/       6 axial slices plus a second file at slice 2's position
  truncated/ 5 axial slices, the middle one cut to half its length
  tilt/      6 slices 2 mm apart along z, shifted 2·tan(15°) mm in y per slice
             (gantry tilted 15 deg; GantryDetectorTilt 15), stored 50·row + 10·column
  sizes/     one series UID: 3 slices of 12x10 and 2 slices of 16x16
Prints JSON: {"A": uid, "B": uid, "gap": uid, "dup": uid, "truncated": uid,
"truncated_file": name, "dup_extra": name, "gap_values": {k: stored slice as list}}.
"""
import json
import os
import random
import sys

import numpy as np
from pydicom.dataset import Dataset, FileMetaDataset
from pydicom.uid import CTImageStorage, ExplicitVRLittleEndian, generate_uid

rng = np.random.default_rng(7)
random.seed(7)
out = sys.argv[1]
FRAME_OF_REFERENCE = generate_uid()


def rot(axis, deg):
    a = np.radians(deg)
    c, s = np.cos(a), np.sin(a)
    if axis == "x":
        return np.array([[1, 0, 0], [0, c, -s], [0, s, c]])
    return np.array([[c, -s, 0], [s, c, 0], [0, 0, 1]])


def write_slice(path, study, series, k, pos, row_dir, col_dir, pixels, instance, signed=True, spacing=(0.8, 0.7)):
    ds = Dataset()
    ds.file_meta = FileMetaDataset()
    ds.file_meta.MediaStorageSOPClassUID = CTImageStorage
    sop = generate_uid()
    ds.file_meta.MediaStorageSOPInstanceUID = sop
    ds.file_meta.TransferSyntaxUID = ExplicitVRLittleEndian
    ds.SOPClassUID = CTImageStorage
    ds.SOPInstanceUID = sop
    ds.StudyInstanceUID = study
    ds.SeriesInstanceUID = series
    ds.Modality = "CT"
    ds.PatientName = "Synthetic^Tree"
    ds.PatientID = "SYN-1"
    ds.FrameOfReferenceUID = FRAME_OF_REFERENCE
    ds.InstanceNumber = instance
    ds.ImagePositionPatient = [f"{v:.6f}" for v in pos]
    ds.ImageOrientationPatient = [f"{v:.6f}" for v in list(row_dir) + list(col_dir)]
    ds.PixelSpacing = [f"{spacing[0]}", f"{spacing[1]}"]
    ds.SliceThickness = "9.9"  # deliberately not the spacing: spacing comes from positions
    ds.Rows, ds.Columns = pixels.shape
    ds.SamplesPerPixel = 1
    ds.PhotometricInterpretation = "MONOCHROME2"
    ds.BitsAllocated = 16
    ds.BitsStored = 16
    ds.HighBit = 15
    ds.PixelRepresentation = 1 if signed else 0
    ds.RescaleIntercept = "-1024"
    ds.RescaleSlope = "1"
    ds.PixelData = pixels.astype("<i2" if signed else "<u2").tobytes()
    ds.save_as(path, enforce_file_format=True)


def axial_series(folder, n, spacing, skip=(), z0=-40.0, shape=(10, 12)):
    os.makedirs(folder, exist_ok=True)
    study, series = generate_uid(), generate_uid()
    names, values = {}, {}
    for k in range(n):
        px = rng.integers(0, 2000, size=shape)
        values[k] = px.ravel().tolist()
        if k in skip:
            continue
        name = f"slice{k:03d}.dcm"
        write_slice(os.path.join(folder, name), study, series, k, (-30.0, -20.0, z0 + k * spacing),
                    (1, 0, 0), (0, 1, 0), px, k + 1)
        names[k] = name
    return series, names, values


result = {}
mixed = os.path.join(out, "mixed")
os.makedirs(mixed, exist_ok=True)
study = generate_uid()
a_uid = generate_uid()
R = rot("x", 20) @ rot("z", 30)
row_dir, col_dir, normal = R[:, 0], R[:, 1], np.cross(R[:, 0], R[:, 1])
origin = np.array([-50.0, 30.0, 12.5])
order = list(range(12))
random.shuffle(order)
for k in range(12):
    px = rng.integers(0, 3000, size=(16, 20))
    name = f"img_{order[k]:02d}_{generate_uid()[-6:]}.dcm"
    write_slice(os.path.join(mixed, name), study, a_uid, k, origin + normal * 2.5 * k, row_dir, col_dir, px, 12 - k)
result["A"] = a_uid
b_uid = generate_uid()
for k in range(5):
    px = rng.integers(0, 60000, size=(10, 12))
    write_slice(os.path.join(mixed, f"b{k}.dcm"), study, b_uid, k, (0.0, 0.0, 5.0 * k), (1, 0, 0), (0, 1, 0), px, k + 1, signed=False)
result["B"] = b_uid
with open(os.path.join(mixed, "notes.txt"), "w") as f:
    f.write("not a DICOM file\n")
with open(os.path.join(mixed, "random.bin"), "wb") as f:
    f.write(rng.integers(0, 256, size=4096, dtype=np.uint8).tobytes())

result["gap"], _, gap_values = axial_series(os.path.join(out, "gap"), 8, 3.0, skip=(3,))
result["gap_values"] = {str(k): v for k, v in gap_values.items()}
result["dup"], dup_names, _ = axial_series(os.path.join(out, "dup"), 6, 2.0)
# A second file at slice 2's position (another instance, other pixels).
extra = "zz_duplicate.dcm"
from pydicom import dcmread  # noqa: E402

src = dcmread(os.path.join(out, "dup", dup_names[2]))
src.SOPInstanceUID = generate_uid()
src.file_meta.MediaStorageSOPInstanceUID = src.SOPInstanceUID
src.InstanceNumber = 99
src.PixelData = (rng.integers(0, 2000, size=(10, 12)).astype("<i2")).tobytes()
src.save_as(os.path.join(out, "dup", extra), enforce_file_format=True)
result["dup_extra"] = extra
result["truncated"], t_names, _ = axial_series(os.path.join(out, "truncated"), 5, 2.0)
path = os.path.join(out, "truncated", t_names[2])
data = open(path, "rb").read()
open(path, "wb").write(data[: len(data) // 2])
result["truncated_file"] = t_names[2]
tilt_dir = os.path.join(out, "tilt")
os.makedirs(tilt_dir, exist_ok=True)
result["tilt"] = tilt_uid = generate_uid()
study = generate_uid()
for k in range(6):
    px = 50 * np.arange(10)[:, None] + 10 * np.arange(12)[None, :]  # a plane: bilinear is exact
    write_slice(os.path.join(tilt_dir, f"t{k}.dcm"), study, tilt_uid, k, (-30.0, -20.0 + 2.0 * np.tan(np.radians(15)) * k, 2.0 * k),
                (1, 0, 0), (0, 1, 0), px, k + 1)
    ds = dcmread(os.path.join(tilt_dir, f"t{k}.dcm"))
    ds.GantryDetectorTilt = "15"
    ds.save_as(os.path.join(tilt_dir, f"t{k}.dcm"), enforce_file_format=True)
sizes_dir = os.path.join(out, "sizes")
os.makedirs(sizes_dir, exist_ok=True)
result["sizes"] = sizes_uid = generate_uid()
for k in range(5):
    shape = (10, 12) if k < 3 else (16, 16)
    write_slice(os.path.join(sizes_dir, f"s{k}.dcm"), study, sizes_uid, k, (0.0, 0.0, 2.0 * k), (1, 0, 0), (0, 1, 0),
                rng.integers(0, 2000, size=shape), k + 1)
print(json.dumps(result))
