"""Oracle: highdicom's reading of a DICOM Segmentation (highdicom.seg.segread).

Usage: highdicom_read_seg.py SEG_FILE
Prints JSON: segment_numbers, segment_labels, property_types (code values),
source_series (SeriesInstanceUIDs of the source images), source_instances (their SOP
instance UIDs), frame_positions (ImagePositionPatient per frame, as highdicom's
plane-position index sees it), frame_sums (voxels per source instance and segment, via
get_pixels_by_source_instance: "SOPUID/segment" -> count), dimension_pointers.
"""
import json
import sys

import highdicom as hd
import numpy as np

seg = hd.seg.segread(sys.argv[1])
numbers = list(seg.segment_numbers)
sources = seg.get_source_image_uids()
instances = [sop for (_, _, sop) in sources]
referenced = sorted({sop for f in seg.PerFrameFunctionalGroupsSequence
                     for d in getattr(f, "DerivationImageSequence", [])
                     for sop in [s.ReferencedSOPInstanceUID for s in d.SourceImageSequence]})
sums = {}
if referenced:
    pixels = seg.get_pixels_by_source_instance(source_sop_instance_uids=referenced, segment_numbers=numbers,
                                               ignore_spatial_locations=False)
    for i, sop in enumerate(referenced):
        for j, n in enumerate(numbers):
            sums[f"{sop}/{n}"] = int(np.count_nonzero(pixels[i, :, :, j]))
print(json.dumps({
    "segment_numbers": numbers,
    "segment_labels": [seg.get_segment_description(n).segment_label for n in numbers],
    "property_types": [seg.get_segment_description(n).segmented_property_type.value for n in numbers],
    "source_series": sorted({series for (_, series, _) in sources}),
    "source_instances": instances,
    "frame_positions": [[float(v) for v in f.PlanePositionSequence[0].ImagePositionPatient]
                        for f in seg.PerFrameFunctionalGroupsSequence],
    "frame_sums": sums,
    "dimension_pointers": [str(d.DimensionIndexPointer) for d in seg.DimensionIndexSequence],
}))
