"""Oracle: pydicom's reading of a DICOM Spatial Registration object.

Usage: dicom_read_sro.py FILE
Prints JSON {"sop_class", "modality", "frame_of_reference", "study", "registrations": [{"frame",
"type", "matrix" (16 numbers, row major), "images" (referenced SOP instance UIDs)}],
"series" (Common Instance Reference series UIDs, this study), "other_studies" ([{"study",
"series"}])}.
"""
import json
import sys

import pydicom

ds = pydicom.dcmread(sys.argv[1])
registrations = []
for item in ds.RegistrationSequence:
    matrix = item.MatrixRegistrationSequence[0].MatrixSequence[0]
    registrations.append({
        "frame": item.FrameOfReferenceUID,
        "type": matrix.FrameOfReferenceTransformationMatrixType,
        "matrix": [float(v) for v in matrix.FrameOfReferenceTransformationMatrix],
        "images": [r.ReferencedSOPInstanceUID for r in item.ReferencedImageSequence],
    })
others = [{"study": s.StudyInstanceUID, "series": [r.SeriesInstanceUID for r in s.ReferencedSeriesSequence]}
          for s in ds.get("StudiesContainingOtherReferencedInstancesSequence", [])]
print(json.dumps({
    "sop_class": ds.SOPClassUID, "modality": ds.Modality, "frame_of_reference": ds.FrameOfReferenceUID,
    "study": ds.StudyInstanceUID, "registrations": registrations,
    "series": [r.SeriesInstanceUID for r in ds.get("ReferencedSeriesSequence", [])], "other_studies": others,
}))
