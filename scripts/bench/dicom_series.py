"""DICOM series bench helpers: write the bench series, time SimpleITK and pydicom.

Usage: dicom_series.py make DIR [SLICES]   writes SLICES (300) 512x512 int16 CT files
       dicom_series.py sitk DIR [REPEATS]  prints "anchor_s=<best seconds>"
       dicom_series.py pydicom DIR [REPEATS] (read every file, sort by IPP on the normal,
                                              stack, rescale to int16 HU)
"""
import os
import sys
import time

import numpy as np


def make(folder, slices):
    from pydicom.dataset import Dataset, FileMetaDataset
    from pydicom.uid import CTImageStorage, ExplicitVRLittleEndian, generate_uid

    os.makedirs(folder, exist_ok=True)
    rng = np.random.default_rng(1)
    study, series, frame = generate_uid(), generate_uid(), generate_uid()
    order = rng.permutation(slices)
    base = rng.integers(0, 2500, size=(512, 512)).astype("<i2")
    for k in range(slices):
        ds = Dataset()
        ds.file_meta = FileMetaDataset()
        ds.file_meta.MediaStorageSOPClassUID = CTImageStorage
        ds.SOPInstanceUID = generate_uid()
        ds.file_meta.MediaStorageSOPInstanceUID = ds.SOPInstanceUID
        ds.file_meta.TransferSyntaxUID = ExplicitVRLittleEndian
        ds.SOPClassUID = CTImageStorage
        ds.StudyInstanceUID, ds.SeriesInstanceUID, ds.FrameOfReferenceUID = study, series, frame
        ds.Modality = "CT"
        ds.PatientName, ds.PatientID = "Bench^Series", "BENCH"
        ds.InstanceNumber = k + 1
        ds.ImagePositionPatient = [-180.0, -200.0, -300.0 + 1.25 * k]
        ds.ImageOrientationPatient = [1, 0, 0, 0, 1, 0]
        ds.PixelSpacing = [0.7, 0.7]
        ds.SliceThickness = 1.25
        ds.Rows = ds.Columns = 512
        ds.SamplesPerPixel = 1
        ds.PhotometricInterpretation = "MONOCHROME2"
        ds.BitsAllocated, ds.BitsStored, ds.HighBit, ds.PixelRepresentation = 16, 16, 15, 1
        ds.RescaleIntercept, ds.RescaleSlope = -1024, 1
        ds.PixelData = np.roll(base, k, axis=0).tobytes()
        ds.save_as(os.path.join(folder, f"{order[k]:05d}.dcm"), enforce_file_format=True)


def best_of(repeats, fn):
    best = float("inf")
    for _ in range(repeats):
        t = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - t)
    return best


def sitk_load(folder):
    import SimpleITK as sitk

    reader = sitk.ImageSeriesReader()
    reader.SetFileNames(reader.GetGDCMSeriesFileNames(folder))
    return reader.Execute()


def pydicom_load(folder):
    import pydicom

    datasets = [pydicom.dcmread(os.path.join(folder, n)) for n in os.listdir(folder)]
    iop = np.array(datasets[0].ImageOrientationPatient, dtype=float)
    normal = np.cross(iop[:3], iop[3:])
    datasets.sort(key=lambda d: float(np.dot(normal, np.array(d.ImagePositionPatient, dtype=float))))
    volume = np.stack([d.pixel_array for d in datasets])
    slope, intercept = float(datasets[0].RescaleSlope), float(datasets[0].RescaleIntercept)
    return (volume * slope + intercept).astype(np.int16)


if __name__ == "__main__":
    command, folder = sys.argv[1], sys.argv[2]
    if command == "make":
        make(folder, int(sys.argv[3]) if len(sys.argv) > 3 else 300)
    else:
        repeats = int(sys.argv[3]) if len(sys.argv) > 3 else 3
        fn = sitk_load if command == "sitk" else pydicom_load
        print(f"anchor_s={best_of(repeats, lambda: fn(folder)):.4f}")
