"""SimpleITK oracle for ITK .tfm files.

  sitk_transforms.py map REQUEST.json
      REQUEST: {"files": [path, ...], "points": [[x, y, z], ...]}. Reads each file with
      sitk.ReadTransform and prints [{"file", "type", "mapped": [[x, y, z], ...]}, ...]
      (or {"file", "error"} when SimpleITK cannot read it).
  sitk_transforms.py write DIR REQUEST.json
      Writes SimpleITK transforms (Euler ZXY and ZYX, versor, rigid affine, composite,
      scaled affine, B-spline) to DIR and prints [{"file", "kind", "mapped"}, ...] for the
      request's points.
"""
import json
import math
import os
import sys

import SimpleITK as sitk


def mapped(transform, points):
    return [list(transform.TransformPoint([float(c) for c in p])) for p in points]


def map_files(request):
    out = []
    for path in request["files"]:
        try:
            t = sitk.ReadTransform(path)
        except RuntimeError as error:
            out.append({"file": path, "error": str(error).strip().splitlines()[-1]})
            continue
        out.append({"file": path, "type": t.GetName(), "mapped": mapped(t, request["points"])})
    return out


def write_files(folder, request):
    os.makedirs(folder, exist_ok=True)
    made = []
    centre = (12.5, -30.25, 101.0)
    euler = sitk.Euler3DTransform(centre, 0.12, -0.31, 0.27, (4.5, -18.0, 7.25))
    zyx = sitk.Euler3DTransform(centre, -0.2, 0.15, 0.4, (-3.0, 2.0, 11.0))
    zyx.SetComputeZYX(True)
    versor = sitk.VersorRigid3DTransform()
    versor.SetCenter(centre)
    versor.SetRotation((1.0, -2.0, 0.5), math.radians(17))
    versor.SetTranslation((9.0, 1.5, -6.0))
    rigid_affine = sitk.AffineTransform(3)
    rigid_affine.SetMatrix(sitk.Euler3DTransform((0, 0, 0), 0.3, 0.1, -0.2).GetMatrix())
    rigid_affine.SetCenter((-5.0, 4.0, 3.0))
    rigid_affine.SetTranslation((1.0, 2.0, 3.0))
    scaled = sitk.AffineTransform(3)
    scaled.Scale(1.2)
    composite = sitk.CompositeTransform([euler, versor])
    bspline = sitk.BSplineTransform(3)
    kinds = [("euler", euler, True), ("euler_zyx", zyx, True), ("versor", versor, True), ("rigid_affine", rigid_affine, True),
             ("scaled_affine", scaled, False), ("composite", composite, False), ("bspline", bspline, False)]
    for kind, transform, readable in kinds:
        path = os.path.join(folder, kind + ".tfm")
        sitk.WriteTransform(transform, path)
        made.append({"file": path, "kind": kind, "readable": readable, "mapped": mapped(transform, request["points"])})
    return made


if __name__ == "__main__":
    if sys.argv[1] == "map":
        with open(sys.argv[2]) as f:
            print(json.dumps(map_files(json.load(f))))
    else:
        with open(sys.argv[3]) as f:
            print(json.dumps(write_files(sys.argv[2], json.load(f))))
