"""SimpleITK oracle: read pairs of images (ours, reference) and compare them.

Usage: sitk_compare.py PAIRS.json   where the file holds [{"ours": path, "reference": path}, ...]
Prints a JSON list: {"ours", "pixel", "referencePixel", "size", "referenceSize", "voxelsEqual",
"originDiff", "spacingDiff", "directionDiff"} (max absolute differences; 2-D lifted to 3-D),
or {"ours", "error"} when SimpleITK cannot read our file.
"""
import json
import sys

import numpy as np
import SimpleITK as sitk


def lifted(image):
    n = image.GetDimension()
    direction = np.eye(3)
    direction[:n, :n] = np.array(image.GetDirection()).reshape(n, n)
    array = sitk.GetArrayFromImage(image)
    if np.iscomplexobj(array):
        array = array.view(array.real.dtype)
    pad = 3 - n
    return {
        "size": list(image.GetSize()) + [1] * pad,
        "origin": np.array(list(image.GetOrigin()) + [0.0] * pad),
        "spacing": np.array(list(image.GetSpacing()) + [1.0] * pad),
        "direction": direction,
        "pixel": array.dtype.name,
        "values": array.reshape(-1),
    }


def compare(pair):
    try:
        ours = lifted(sitk.ReadImage(pair["ours"]))
    except RuntimeError as error:
        return {"ours": pair["ours"], "error": str(error).strip().splitlines()[-1]}
    ref = lifted(sitk.ReadImage(pair["reference"]))
    same_shape = ours["values"].shape == ref["values"].shape
    return {
        "ours": pair["ours"],
        "pixel": ours["pixel"],
        "referencePixel": ref["pixel"],
        "size": ours["size"],
        "referenceSize": ref["size"],
        "voxelsEqual": bool(same_shape and np.array_equal(ours["values"], ref["values"], equal_nan=True)),
        "originDiff": float(np.max(np.abs(ours["origin"] - ref["origin"]))),
        "spacingDiff": float(np.max(np.abs(ours["spacing"] - ref["spacing"]))),
        "directionDiff": float(np.max(np.abs(ours["direction"] - ref["direction"]))),
    }


if __name__ == "__main__":
    with open(sys.argv[1]) as f:
        pairs = json.load(f)
    print(json.dumps([compare(p) for p in pairs]))
