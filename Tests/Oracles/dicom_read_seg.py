"""Oracle: pydicom's reading of a DICOM Segmentation written by NoduleKit.

Usage: dicom_read_seg.py SEG_FILE
Prints JSON: sop_class, modality, segmentation_type, frames, rows, columns,
frame_sums (voxels set per frame), frame_segments, frame_positions, frame_sources
(referenced SOP instance per frame), referenced_series, referenced_instances,
segment_labels.
"""
import json
import sys

import pydicom

ds = pydicom.dcmread(sys.argv[1])
arr = ds.pixel_array
if arr.ndim == 2:
    arr = arr[None]
frames = ds.PerFrameFunctionalGroupsSequence
print(json.dumps({
    "sop_class": str(ds.SOPClassUID),
    "modality": ds.Modality,
    "segmentation_type": ds.SegmentationType,
    "frames": int(ds.NumberOfFrames),
    "rows": int(ds.Rows),
    "columns": int(ds.Columns),
    "frame_sums": [int(f.sum()) for f in arr],
    "frame_segments": [int(f.SegmentIdentificationSequence[0].ReferencedSegmentNumber) for f in frames],
    "frame_positions": [[float(v) for v in f.PlanePositionSequence[0].ImagePositionPatient] for f in frames],
    "frame_sources": [str(f.DerivationImageSequence[0].SourceImageSequence[0].ReferencedSOPInstanceUID) if "DerivationImageSequence" in f else "" for f in frames],
    "referenced_series": str(ds.ReferencedSeriesSequence[0].SeriesInstanceUID),
    "referenced_instances": [str(i.ReferencedSOPInstanceUID) for i in ds.ReferencedSeriesSequence[0].ReferencedInstanceSequence],
    "segment_labels": [s.SegmentLabel for s in ds.SegmentSequence],
}))
