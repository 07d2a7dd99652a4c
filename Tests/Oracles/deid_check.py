"""Independent checks of `nodulekit deidentify` output, with pydicom, dicom-anonymizer and dicognito.

    deid_check.py table SWIFT_TABLE EDITION
        our generated Basic Profile table against dicom-anonymizer's data for EDITION.
    deid_check.py outputs PAIRS_JSON
        PAIRS_JSON: [[input, output], ...]. For each pair: profile attributes (anywhere,
        sequences included) whose original non-empty value survived; private tags left;
        pixel data equality. Across pairs: UID map consistency, SEG references resolving
        to de-identified CT instances. Against dicognito (run here on the same inputs):
        top-level tags each tool removed or replaced.
Prints one JSON object.
"""
import importlib
import json
import re
import sys
import warnings

warnings.simplefilter("ignore")

import pydicom

def db(edition):
    m = importlib.import_module(f"dicomanonymizer.dicom_anonymization_databases.dicomfields_{edition}")
    names = {"D_TAGS": "D", "Z_TAGS": "Z", "X_TAGS": "X", "U_TAGS": "U", "Z_D_TAGS": "Z/D", "X_Z_TAGS": "X/Z",
             "X_D_TAGS": "X/D", "X_Z_D_TAGS": "X/Z/D", "X_Z_U_STAR_TAGS": "X/Z/U*"}
    out = {}
    for attr, action in names.items():
        for t in getattr(m, attr):
            out[tuple(t) if len(t) == 4 else (t[0], t[1], 0xFFFF, 0xFFFF)] = action
    return out

SWIFT_ACTIONS = {"d": "D", "z": "Z", "x": "X", "u": "U", "zd": "Z/D", "xz": "X/Z", "xd": "X/D", "xzd": "X/Z/D", "xzuStar": "X/Z/U*"}

def table(path, edition):
    ours = {}
    for m in re.finditer(r"Entry\(0x([0-9A-F]{4}), 0x([0-9A-F]{4}), 0x([0-9A-F]{4}), 0x([0-9A-F]{4}), \.(\w+)\)", open(path).read()):
        ours[tuple(int(g, 16) for g in m.groups()[:4])] = SWIFT_ACTIONS[m.group(5)]
    theirs = db(edition)
    edition_line = re.search(r'edition = "(\w+)"', open(path).read()).group(1)
    return {"edition": edition_line, "ours": len(ours), "theirs": len(theirs),
            "only_ours": [f"{k}" for k in ours if k not in theirs], "only_theirs": [f"{k}" for k in theirs if k not in ours],
            "different_action": [f"{k}: {ours[k]} vs {theirs[k]}" for k in ours if k in theirs and ours[k] != theirs[k]]}

def profile_action(tag, entries):
    g, e = tag >> 16, tag & 0xFFFF
    for (pg, pe, gm, em), a in entries.items():
        if g & gm == pg and e & em == pe:
            return a
    return None

def walk(ds, path=()):
    for el in ds:
        yield path, el
        if el.VR == "SQ":
            for i, item in enumerate(el.value):
                yield from walk(item, path + ((el.tag, i),))

def flat(ds):
    return {(p, int(el.tag)): el for p, el in walk(ds)}

def text(el):
    return str(el.value) if el.VR != "SQ" else None

def outputs(pairs_path):
    pairs = json.load(open(pairs_path))
    entries = {k: v for k, v in db("2026c").items()}
    exact = {(k[0] << 16 | k[1]): v for k, v in entries.items() if k[2] == 0xFFFF and k[3] == 0xFFFF}
    masked = {k: v for k, v in entries.items() if not (k[2] == 0xFFFF and k[3] == 0xFFFF)}
    def action(t):
        return exact.get(t) or profile_action(t, masked)
    report = {"files": len(pairs), "surviving": [], "private_left": 0, "pixels_equal": 0, "pixels_total": 0,
              "uid_inconsistent": [], "uid_unchanged": [], "identity_removed": 0, "method_codes": []}
    uid_map = {}
    outs = []
    for inp, out in pairs:
        a, b = pydicom.dcmread(inp, force=True), pydicom.dcmread(out)
        outs.append(b)
        fa, fb = flat(a), flat(b)
        for key, el in fa.items():
            act = action(key[1])
            if act is None or el.VR == "SQ" or el.value in (None, "", b"") or key not in fb:
                continue
            if el.VR == "UI":
                for x, y in zip(str(el.value).split("\\") if not isinstance(el.value, list) else el.value,
                                fb[key].value if isinstance(fb[key].value, list) else [fb[key].value]):
                    if uid_map.setdefault(str(x), str(y)) != str(y):
                        report["uid_inconsistent"].append(f"{x}")
                    if str(x) == str(y):
                        report["uid_unchanged"].append(f"{out}: {pydicom.tag.Tag(key[1])}")
                continue
            if text(fb[key]) == text(el) and act not in ("K",):
                report["surviving"].append(f"{out}: {pydicom.tag.Tag(key[1])} {el.keyword} ({act}) = {text(el)[:40]!r}")
        report["private_left"] += sum(1 for _, el in walk(b) if el.tag.is_private)
        if "PixelData" in a:
            report["pixels_total"] += 1
            ts_a = a.file_meta.get("TransferSyntaxUID") if hasattr(a, "file_meta") else None
            same = a.PixelData == b.PixelData and (ts_a is None or ts_a == b.file_meta.TransferSyntaxUID)
            report["pixels_equal"] += int(same)
            if not same:
                report.setdefault("pixels_different", []).append(
                    f"{inp}: {ts_a} -> {b.file_meta.TransferSyntaxUID}, {len(a.PixelData)} -> {len(b.PixelData)} bytes")
        report["identity_removed"] += int(b.get("PatientIdentityRemoved") == "YES")
        report["method_codes"] = sorted({c.CodeValue for c in b.get("DeidentificationMethodCodeSequence", [])})
    # SEG → CT references.
    instances = {str(d.get("SOPInstanceUID")) for d in outs}
    series = {str(d.get("SeriesInstanceUID")) for d in outs}
    refs, resolved = 0, 0
    for d in outs:
        if d.get("SOPClassUID") != "1.2.840.10008.5.1.4.1.1.66.4":
            continue
        for p, el in walk(d):
            if el.keyword == "ReferencedSOPInstanceUID":
                refs += 1
                resolved += int(str(el.value) in instances)
            if el.keyword == "SeriesInstanceUID" and p:
                refs += 1
                resolved += int(str(el.value) in series)
    report["seg_references"], report["seg_references_resolved"] = refs, resolved
    # SR → CT slices and SEG.
    refs, resolved = 0, 0
    for d in outs:
        if not str(d.get("SOPClassUID", "")).startswith("1.2.840.10008.5.1.4.1.1.88."):
            continue
        for p, el in walk(d):
            if el.keyword == "ReferencedSOPInstanceUID":
                refs += 1
                resolved += int(str(el.value) in instances)
    report["sr_references"], report["sr_references_resolved"] = refs, resolved
    # dicognito on the same inputs: which top-level tags each tool changed or removed.
    from dicognito.anonymizer import Anonymizer
    anonymizer = Anonymizer(seed="nodulekit")
    ours, theirs, tag_of = set(), set(), {}
    for (inp, out), b in zip(pairs, outs):
        a = pydicom.dcmread(inp, force=True)
        c = pydicom.dcmread(inp, force=True)
        anonymizer.anonymize(c)
        for el in a:
            if el.tag.is_private or el.tag.group == 0x0002 or el.VR == "SQ" or el.value in (None, "", b""):
                continue
            name = el.keyword or str(el.tag)
            tag_of[name] = int(el.tag)
            if el.tag not in b or b[el.tag].value != el.value:
                ours.add(name)
            if el.tag not in c or c[el.tag].value != el.value:
                theirs.add(name)
    report["dicognito_only"] = sorted(theirs - ours)
    report["ours_only"] = sorted(ours - theirs)
    report["ours_only_tags"] = [tag_of[n] for n in report["ours_only"]]
    report["both"] = sorted(ours & theirs)
    return report

if __name__ == "__main__":
    if sys.argv[1] == "table":
        print(json.dumps(table(sys.argv[2], sys.argv[3])))
    else:
        print(json.dumps(outputs(sys.argv[2])))
