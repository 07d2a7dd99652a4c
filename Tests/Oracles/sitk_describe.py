"""SimpleITK oracle: describe images as SimpleITK reads them.

Usage: sitk_describe.py OUTDIR FILE...   -> JSON list on stdout, one entry per file:
  {"file", "pixel" (numpy dtype of one component), "channels", "size" [i,j,k],
   "origin", "spacing" (3 each), "direction" (3x3 row-major; column c = axis c),
   "voxels" (a raw little-endian dump in OUTDIR of the array, i fastest, channels interleaved),
   "points" (world LPS), "indices" (SimpleITK's TransformPhysicalPointToContinuousIndex)}
or {"file", "error"} when SimpleITK refuses the file. 2-D images are lifted to 3-D the
way NoduleKit does: k size 1, spacing 1, origin 0, identity in the third row/column.
"""
import json
import os
import sys

import numpy as np
import SimpleITK as sitk


def lift(values, n, fill):
    return list(values) + [fill] * (3 - n)


def describe(path, outdir, points=1000, seed=0):
    try:
        image = sitk.ReadImage(path)
    except RuntimeError as error:
        return {"file": path, "error": str(error).strip().splitlines()[-1]}
    n = image.GetDimension()
    array = sitk.GetArrayFromImage(image)
    channels = image.GetNumberOfComponentsPerPixel()
    if np.iscomplexobj(array):
        array = array.view(array.real.dtype)  # complex = 2 interleaved components
        channels = 2
    array = np.ascontiguousarray(array)
    dtype = array.dtype.newbyteorder("<")
    dump = os.path.join(outdir, os.path.basename(path) + ".voxels")
    array.astype(dtype).tofile(dump)
    direction = np.eye(3)
    direction[:n, :n] = np.array(image.GetDirection()).reshape(n, n)
    rng = np.random.default_rng(seed)
    size = list(image.GetSize())
    world, indices = [], []
    for _ in range(points):
        ci = [rng.uniform(-2, s + 2) for s in size]
        p = list(image.TransformContinuousIndexToPhysicalPoint(ci))
        p = [x + rng.normal(0, 0.3) for x in p]
        idx = list(image.TransformPhysicalPointToContinuousIndex(p))
        world.append(lift(p, n, 0.0))
        indices.append(lift(idx, n, 0.0))
    return {
        "file": path,
        "pixel": str(array.dtype.newbyteorder("=").name),
        "channels": channels,
        "size": lift(size, n, 1),
        "origin": lift(image.GetOrigin(), n, 0.0),
        "spacing": lift(image.GetSpacing(), n, 1.0),
        "direction": direction.flatten().tolist(),
        "voxels": dump,
        "points": world,
        "indices": indices,
    }


if __name__ == "__main__":
    outdir = sys.argv[1]
    print(json.dumps([describe(path, outdir) for path in sys.argv[2:]]))
