"""Oracle: highdicom's reading of a TID 1500 measurement report (highdicom.sr.srread).

Usage: highdicom_read_sr.py SR_FILE
Prints JSON: sop_class, template (of the root), title (code value), device_observer
(name and UID from the observer contexts), image_library (SOP instance UIDs of the Image
Library entries), evidence (SOP instance UIDs listed as evidence) and groups: per TID 1411
volumetric measurement group highdicom finds, tracking_identifier, tracking_uid,
finding (code value), finding_category, finding_sites ([code, laterality code or null]),
segmentation (the referenced SEG's SOP instance UID), segment_numbers, source_series,
measurements (code value -> [value, unit code, unit scheme]) and center (the "Center of
Mass" SCOORD3D point: graphic type, [x, y, z], frame of reference UID).
"""
import json
import sys

import highdicom as hd
from pydicom.sr.codedict import codes

sr = hd.sr.srread(sys.argv[1])
report = sr.content
if not isinstance(report, hd.sr.MeasurementReport):
    sys.exit(f"{sys.argv[1]}: highdicom does not read the content as a TID 1500 measurement report")


def code(c):
    return None if c is None else c.value


def content_items(item):
    return list(getattr(item, "ContentSequence", []))


def name_of(item):
    return item.ConceptNameCodeSequence[0].CodeValue


root = report[0]
devices = report.get_observer_contexts(observer_type=codes.DCM.Device)
library = [i for i in content_items(root) if name_of(i) == "111028"]
library_uids = [img.ReferencedSOPSequence[0].ReferencedSOPInstanceUID
                for lib in library for group in content_items(lib) for img in content_items(group)
                if img.ValueType == "IMAGE"]
groups = []
for g in report.get_volumetric_roi_measurement_groups():
    segment = g.referenced_segment
    center = [i for i in content_items(g[0]) if i.ValueType == "SCOORD3D" and name_of(i) == "128138"]
    groups.append({
        "tracking_identifier": g.tracking_identifier,
        "tracking_uid": str(g.tracking_uid),
        "finding": code(g.finding_type),
        "finding_category": code(g.finding_category),
        "finding_sites": [[code(s.value), code(s.laterality)] for s in g.finding_sites],
        "segmentation": str(segment.referenced_sop_instance_uid) if segment else None,
        "segment_numbers": list(segment.referenced_segment_numbers or []) if segment else [],
        "source_series": str(segment.source_series_for_segmentation.value) if segment and segment.source_series_for_segmentation else None,
        "measurements": {m.name.value: [float(m.value), m.unit.value, m.unit.scheme_designator] for m in g.get_measurements()},
        "center": [[c.GraphicType, [float(v) for v in c.GraphicData], c.ReferencedFrameOfReferenceUID] for c in center],
    })
print(json.dumps({
    "sop_class": str(sr.SOPClassUID),
    "template": root.ContentTemplateSequence[0].TemplateIdentifier,
    "title": name_of(root),
    "device_observer": [[d.observer_identifying_attributes.name, str(d.observer_identifying_attributes.uid)] for d in devices],
    "image_library": library_uids,
    "evidence": [str(sop) for (_, _, sop, _) in sr.get_evidence()],
    "groups": groups,
}))
