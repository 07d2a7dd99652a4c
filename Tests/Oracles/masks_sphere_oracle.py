"""Independent nodule-mask oracle: SimpleITK holds the geometry, numpy does the maths.

Input (JSON on argv[1]): {"size":[i,j,k], "origin":[3], "spacing":[3], "direction":[9 row-major],
"nodules":[{"center":[x,y,z], "diameter":d}, ...]}
Output (JSON on stdout): {"masks": [[flat offsets, i fastest], ...], "continuous": [[i,j,k], ...]}
A voxel is in a nodule when the world position of its centre lies within diameter/2 of the
nodule's world centre. World positions come from SimpleITK's own index→physical mapping.
"""
import json
import sys

import numpy as np
import SimpleITK as sitk

spec = json.load(open(sys.argv[1]))
size = spec["size"]
image = sitk.Image(size, sitk.sitkUInt8)
image.SetOrigin(spec["origin"])
image.SetSpacing(spec["spacing"])
image.SetDirection(spec["direction"])

origin = np.array(image.GetOrigin())
direction = np.array(image.GetDirection()).reshape(3, 3)
spacing = np.array(image.GetSpacing())
# Check our numpy mapping against SimpleITK's on a few indices before trusting it.
for idx in [(0, 0, 0), (size[0] - 1, 1, 2), (3, size[1] - 1, size[2] - 1)]:
    expected = np.array(image.TransformIndexToPhysicalPoint(idx))
    ours = origin + direction @ (spacing * np.array(idx, dtype=float))
    assert np.allclose(ours, expected, atol=1e-9), (idx, ours, expected)

k, j, i = np.meshgrid(np.arange(size[2]), np.arange(size[1]), np.arange(size[0]), indexing="ij")
index = np.stack([i.ravel(), j.ravel(), k.ravel()]).astype(float)  # 3 x N, i fastest
world = origin[:, None] + direction @ (spacing[:, None] * index)

masks, continuous = [], []
for n in spec["nodules"]:
    centre = np.array(n["center"], dtype=float)
    r = n["diameter"] / 2.0
    d2 = ((world - centre[:, None]) ** 2).sum(axis=0)
    masks.append(np.nonzero(d2 <= r * r)[0].tolist())
    continuous.append(list(image.TransformPhysicalPointToContinuousIndex(centre.tolist())))
json.dump({"masks": masks, "continuous": continuous}, sys.stdout)
