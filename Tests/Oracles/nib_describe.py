"""nibabel oracle: describe NIfTI files as nibabel reads them.

Usage: nib_describe.py FILE...   -> JSON list: {"file", "affine" (4x4 RAS, nibabel's best
affine: sform if sform_code > 0, else qform, else pixdim), "shape", "dtype" (on-disk
type), "scaled" (whether scl_slope/inter change values), "values" (FILE.values: raw
little-endian float64 dump of get_fdata(), i fastest)}
"""
import json
import sys

import nibabel as nib
import numpy as np


def describe(path):
    image = nib.load(path)
    values = np.asarray(image.get_fdata(), dtype="<f8")
    dump = path + ".values"
    values.reshape(-1, order="F").tofile(dump)  # i fastest
    # nibabel moves scl_slope/scl_inter from the header to the array proxy on load.
    slope, inter = image.dataobj.slope, image.dataobj.inter
    return {
        "file": path,
        "affine": image.header.get_best_affine().tolist(),
        "shape": list(image.shape),
        "dtype": image.get_data_dtype().newbyteorder("=").name,
        "scaled": bool((slope, inter) != (1.0, 0.0)),
        "values": dump,
    }


if __name__ == "__main__":
    print(json.dumps([describe(path) for path in sys.argv[1:]]))
