"""Builds a small PET series with pydicom from a cornerstonejs/calculate-suv metadata
file (../shared/testdata/pet-suv-metadata/*.json): one 4x4 image per instance.

Usage: dicom_make_pet.py METADATA.json OUTDIR [--implicit]
Pixels: stored value 100 + k (uint16), RescaleSlope 2, intercept 0. Philips private
values go to (7053,1000) / (7053,1009) under creator "Philips PET Private Group".
"""
import json
import os
import sys

import numpy as np
from pydicom.dataset import Dataset, FileMetaDataset
from pydicom.sequence import Sequence
from pydicom.uid import ExplicitVRLittleEndian, ImplicitVRLittleEndian, PositronEmissionTomographyImageStorage, generate_uid

meta_path, out = sys.argv[1], sys.argv[2]
implicit = "--implicit" in sys.argv
os.makedirs(out, exist_ok=True)
instances = json.load(open(meta_path))
study, series = generate_uid(), generate_uid()
for k, m in enumerate(instances):
    ds = Dataset()
    ds.file_meta = FileMetaDataset()
    ds.file_meta.MediaStorageSOPClassUID = PositronEmissionTomographyImageStorage
    ds.SOPInstanceUID = generate_uid()
    ds.file_meta.MediaStorageSOPInstanceUID = ds.SOPInstanceUID
    ds.file_meta.TransferSyntaxUID = ImplicitVRLittleEndian if implicit else ExplicitVRLittleEndian
    ds.SOPClassUID = PositronEmissionTomographyImageStorage
    ds.StudyInstanceUID, ds.SeriesInstanceUID = study, series
    ds.Modality = "PT"
    ds.InstanceNumber = k + 1
    for key in ("SeriesDate", "SeriesTime", "AcquisitionDate", "AcquisitionTime", "PatientSex", "Units", "DecayCorrection"):
        if key in m:
            setattr(ds, key, m[key])
    for key in ("PatientWeight", "PatientSize", "FrameReferenceTime", "ActualFrameDuration"):
        if key in m:
            setattr(ds, key, m[key])
    ds.CorrectedImage = m["CorrectedImage"]
    item = Dataset()
    item.RadionuclideTotalDose = m["RadionuclideTotalDose"]
    item.RadionuclideHalfLife = m["RadionuclideHalfLife"]
    if "RadiopharmaceuticalStartTime" in m:
        item.RadiopharmaceuticalStartTime = m["RadiopharmaceuticalStartTime"]
    if "RadiopharmaceuticalStartDateTime" in m:
        item.RadiopharmaceuticalStartDateTime = m["RadiopharmaceuticalStartDateTime"].strip()
    ds.RadiopharmaceuticalInformationSequence = Sequence([item])
    philips = m.get("PhilipsPETPrivateGroup", {})
    if philips:
        block = ds.private_block(0x7053, "Philips PET Private Group", create=True)
        if "SUVScaleFactor" in philips:
            block.add_new(0x00, "DS", philips["SUVScaleFactor"].strip())
        if "ActivityConcentrationScaleFactor" in philips:
            block.add_new(0x09, "DS", philips["ActivityConcentrationScaleFactor"].strip())
    ds.ImagePositionPatient = [0, 0, 3.0 * k]
    ds.ImageOrientationPatient = [1, 0, 0, 0, 1, 0]
    ds.PixelSpacing = [4, 4]
    ds.Rows = ds.Columns = 4
    ds.SamplesPerPixel = 1
    ds.PhotometricInterpretation = "MONOCHROME2"
    ds.BitsAllocated = ds.BitsStored = 16
    ds.HighBit = 15
    ds.PixelRepresentation = 0
    ds.RescaleSlope = "2"
    ds.RescaleIntercept = "0"
    ds.PixelData = np.full((4, 4), 100 + k, dtype="<u2").tobytes()
    ds.save_as(os.path.join(out, f"pet{k:02d}.dcm"), enforce_file_format=True, implicit_vr=implicit, little_endian=True)
print(json.dumps({"series": series, "count": len(instances)}))
