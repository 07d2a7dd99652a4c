"""Writes a start transform a known offset away from a phantom's truth.tfm.

    start_near_truth.py TRUTH.tfm CENTRE_X,Y,Z SEED MODE OUT.tfm

MODE "near": rotations up to 10 degrees about each axis and shifts up to 20 mm along each
(uniform, seeded); MODE "wide": a 40 degree turn about a seeded random axis and a 70 mm
shift in a seeded random direction. The offset P acts first, about CENTRE (the CT's
centre), so start = truth ∘ P sends a CT point 40°/70 mm away from where the truth sends
it. Written as an ITK AffineTransform (rigid), read by `register --initial-transform`.
"""
import math
import random
import sys

import numpy as np
import SimpleITK as sitk


def rotation(axis, angle):
    axis = np.asarray(axis, float) / np.linalg.norm(axis)
    k = np.array([[0, -axis[2], axis[1]], [axis[2], 0, -axis[0]], [-axis[1], axis[0], 0]])
    return np.eye(3) + math.sin(angle) * k + (1 - math.cos(angle)) * k @ k


def main():
    truth_path, centre_text, seed, mode, out = sys.argv[1:6]
    centre = np.array([float(v) for v in centre_text.split(",")])
    rng = random.Random(int(seed))
    if mode == "near":
        ax, ay, az = (math.radians(rng.uniform(-10, 10)) for _ in range(3))
        p = sitk.Euler3DTransform()
        p.SetRotation(ax, ay, az)
        rot = np.array(p.GetMatrix()).reshape(3, 3)
        shift = np.array([rng.uniform(-20, 20) for _ in range(3)])
    elif mode == "wide":
        axis = np.array([rng.gauss(0, 1) for _ in range(3)])
        rot = rotation(axis, math.radians(40))
        direction = np.array([rng.gauss(0, 1) for _ in range(3)])
        shift = 70 * direction / np.linalg.norm(direction)
    else:
        raise SystemExit(f"mode must be near or wide, got {mode}")
    # P(x) = rot (x - c) + c + shift; truth(y) = A y + b.
    t = sitk.ReadTransform(truth_path)
    a = np.array(t.GetMatrix()).reshape(3, 3)
    b = np.array(t.TransformPoint((0.0, 0.0, 0.0)))
    m = a @ rot
    offset = a @ (centre - rot @ centre + shift) + b
    start = sitk.AffineTransform(3)
    start.SetMatrix(m.flatten().tolist())
    start.SetTranslation(offset.tolist())
    sitk.WriteTransform(start, out)


if __name__ == "__main__":
    main()
