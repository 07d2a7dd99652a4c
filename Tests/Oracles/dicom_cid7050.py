"""Oracle: pydicom's DICOM code dictionary (pydicom.sr.codedict, scheme DCM, from the
standard's PS3.16) for the de-identification method codes of CID 7050.

Usage: dicom_cid7050.py
Prints JSON: {code value: code meaning} for every DCM code 1131xx pydicom knows.
"""
import json

from pydicom.sr.codedict import codes

out = {}
for name in dir(codes.DCM):
    code = getattr(codes.DCM, name)
    if hasattr(code, "value") and str(code.value).startswith("1131"):
        out[str(code.value)] = code.meaning
print(json.dumps(out, sort_keys=True))
