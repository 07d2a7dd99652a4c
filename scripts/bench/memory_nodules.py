#!/usr/bin/env python3
"""Writes a LUNA16-style annotations.csv for the memory bench: N nodules per scan at seeded
points inside the lung mask (label > 0) of LUNGS, for each series UID given.

Usage: memory_nodules.py LUNGS.mha OUT.csv PER_SCAN UID [UID ...]
"""
import sys

import numpy as np
import SimpleITK as sitk


def main():
    lungs_path, out, per_scan, *uids = sys.argv[1:]
    lungs = sitk.ReadImage(lungs_path)
    inside = np.argwhere(sitk.GetArrayViewFromImage(lungs) > 0)  # (z, y, x)
    rng = np.random.default_rng(7)
    with open(out, "w") as f:
        f.write("seriesuid,coordX,coordY,coordZ,diameter_mm\n")
        for uid in uids:
            for z, y, x in inside[rng.choice(len(inside), int(per_scan), replace=False)]:
                p = lungs.TransformIndexToPhysicalPoint((int(x), int(y), int(z)))
                f.write(f"{uid},{p[0]:.2f},{p[1]:.2f},{p[2]:.2f},{rng.uniform(5, 20):.1f}\n")


if __name__ == "__main__":
    main()
