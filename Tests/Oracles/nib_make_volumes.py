"""nibabel oracle: NIfTI-1 files SimpleITK does not write, with nibabel's view of them.

Usage: nib_make_volumes.py OUTDIR   -> JSON list as nib_describe.py prints it.
Files: big-endian int16; int16 with scl_slope 2 / scl_inter -1024; qform only (oblique,
qfac -1); sform only; neither (pixdim only); a 2-D uint8 image; .nii.gz big-endian float32.
"""
import json
import math
import os
import sys

import nibabel as nib
import numpy as np

from nib_describe import describe


def oblique():
    a = math.radians(30)
    axis = np.array([1.0, 2.0, 3.0]) / math.sqrt(14)
    k = np.array([[0, -axis[2], axis[1]], [axis[2], 0, -axis[0]], [-axis[1], axis[0], 0]])
    return np.eye(3) + math.sin(a) * k + (1 - math.cos(a)) * (k @ k)


def affine(rotation, spacing, origin):
    m = np.eye(4)
    m[:3, :3] = rotation @ np.diag(spacing)
    m[:3, 3] = origin
    return m


def big_endian_header(dtype):
    header = nib.Nifti1Header(endianness=">")
    header.set_data_dtype(dtype)
    return header


def save(image, path, entries, slope_inter=None):
    nib.save(image, path)
    if slope_inter:  # nibabel recomputes scaling on save, so patch scl_slope/scl_inter in place
        with open(path, "r+b") as f:
            f.seek(112)
            f.write(np.array(slope_inter, dtype="<f4").tobytes())
    entries.append(describe(path))


def main(outdir):
    rng = np.random.default_rng(7)
    entries = []
    shape = (7, 6, 5)
    data = rng.integers(-1000, 3000, shape).astype(np.int16)
    rot = oblique()
    aff = affine(rot, [0.8, 0.9, 2.5], [-100.0, 20.0, 55.5])

    big = nib.Nifti1Image(data.astype(">i2"), aff, header=big_endian_header(">i2"))
    big.set_qform(aff, 1)
    big.set_sform(aff, 1)
    save(big, os.path.join(outdir, "bigendian.nii"), entries)

    save(nib.Nifti1Image(data, aff), os.path.join(outdir, "scaled.nii"), entries, slope_inter=(2.0, -1024.0))

    flipped = rot.copy()
    flipped[:, 2] *= -1  # improper: qfac -1
    aff_q = affine(flipped, [1.1, 0.7, 3.0], [5.0, -6.0, 7.0])
    qonly = nib.Nifti1Image(data, None)
    qonly.set_qform(aff_q, 1)
    qonly.set_sform(None, 0)
    save(qonly, os.path.join(outdir, "qform_only.nii"), entries)

    sonly = nib.Nifti1Image(data, None)
    sonly.set_qform(None, 0)
    sonly.set_sform(aff, 2)
    save(sonly, os.path.join(outdir, "sform_only.nii"), entries)

    neither = nib.Nifti1Image(data, affine(np.eye(3), [0.5, 0.6, 0.7], [0, 0, 0]))
    neither.set_qform(None, 0)
    neither.set_sform(None, 0)
    save(neither, os.path.join(outdir, "no_transform.nii"), entries)

    flat = nib.Nifti1Image(rng.integers(0, 255, (9, 4)).astype(np.uint8), affine(np.eye(3), [0.3, 0.4, 1.0], [1, 2, 0]))
    save(flat, os.path.join(outdir, "flat2d.nii"), entries)

    floats = nib.Nifti1Image(rng.normal(0, 10, shape).astype(">f4"), aff, header=big_endian_header(">f4"))
    save(floats, os.path.join(outdir, "bigendian_float.nii.gz"), entries)
    print(json.dumps(entries))


if __name__ == "__main__":
    main(sys.argv[1])
