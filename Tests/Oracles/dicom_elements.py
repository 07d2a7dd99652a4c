"""Oracle: pydicom's view of the top-level elements of DICOM files.

Usage: dicom_elements.py FILE...
Prints JSON {"files": [{"path", "transfer_syntax", "elements": [{"tag", "vr", and one of
"strings" (text VRs, character set decoded), "numbers" (DS, IS and binary numbers) or
"items" (SQ item count)}]}]}. Elements pydicom cannot decode are left out.
"""
import json
import sys

import pydicom

TEXT = {"AE", "AS", "CS", "DA", "DT", "LO", "LT", "PN", "SH", "ST", "TM", "UC", "UI", "UR", "UT"}
NUMBERS = {"DS", "IS", "US", "SS", "UL", "SL", "FL", "FD"}
files = []
for path in sys.argv[1:]:
    ds = pydicom.dcmread(path, force=True)
    out = []
    for elem in ds:
        try:
            vr = elem.VR
            value = elem.value
            values = [] if value is None or value == "" else (list(value) if isinstance(value, (list, pydicom.multival.MultiValue)) else [value])
            entry = {"tag": int(elem.tag), "vr": vr}
            if vr == "SQ":
                entry["items"] = len(value)
            elif vr in TEXT:
                entry["strings"] = [str(v) for v in values]
            elif vr in NUMBERS:
                entry["numbers"] = [float(v) for v in values]
            else:
                continue
            out.append(entry)
        except Exception:  # noqa: BLE001 - an element pydicom cannot decode is skipped
            continue
    ts = str(getattr(ds.file_meta, "TransferSyntaxUID", "")) if hasattr(ds, "file_meta") else ""
    files.append({"path": path, "transfer_syntax": ts, "elements": out})
print(json.dumps({"files": files}))
