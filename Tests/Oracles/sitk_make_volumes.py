"""SimpleITK oracle: write test volumes of every element type, several directions,
anisotropic spacing, as .mhd/.raw, .mha, compressed .zraw, .nii and .nii.gz, plus
hand-made big-endian, LIST and HeaderSize=-1 MetaImages; then describe each file as
SimpleITK reads it (see sitk_describe.py).

Usage: sitk_make_volumes.py OUTDIR   -> JSON manifest (list) on stdout.
"""
import json
import math
import os
import sys

import numpy as np
import SimpleITK as sitk

from sitk_describe import describe


def rotation(axis, degrees):
    axis = np.asarray(axis, float) / np.linalg.norm(axis)
    a = math.radians(degrees)
    k = np.array([[0, -axis[2], axis[1]], [axis[2], 0, -axis[0]], [-axis[1], axis[0], 0]])
    return np.eye(3) + math.sin(a) * k + (1 - math.cos(a)) * (k @ k)


DIRECTIONS = {
    "identity": np.eye(3),
    "oblique30": rotation([1, 2, 3], 30),  # non-symmetric: catches a transposed read
    "flip": np.diag([-1.0, 1.0, -1.0]),
    "permuted": np.array([[0, 0, 1], [1, 0, 0], [0, 1, 0]], float),
}

TYPES = ["uint8", "int8", "int16", "uint16", "int32", "uint32", "float32", "float64"]


def random_array(rng, dtype, shape):
    dt = np.dtype(dtype)
    if dt.kind == "f":
        return (rng.normal(0, 1000, shape)).astype(dt)
    info = np.iinfo(dt)
    return rng.integers(info.min, info.max, shape, endpoint=True, dtype=dt)


def make_image(rng, dtype, size, spacing, origin, direction, channels=1):
    shape = tuple(reversed(size)) + ((channels,) if channels > 1 else ())
    image = sitk.GetImageFromArray(random_array(rng, dtype, shape), isVector=channels > 1)
    image.SetSpacing(spacing)
    image.SetOrigin(origin)
    image.SetDirection(direction.flatten().tolist())
    return image


def main(outdir):
    rng = np.random.default_rng(42)
    files = []
    # Every element type through every container, each with its own direction.
    containers = [("mhd", False), ("mha", False), ("mhd", True), ("nii", False), ("nii.gz", False)]
    for n, dtype in enumerate(TYPES):
        name = list(DIRECTIONS)[n % len(DIRECTIONS)]
        image = make_image(rng, dtype, [7, 5, 4], [0.7, 1.3, 2.5], [-12.5, 30.25, 101.0], DIRECTIONS[name])
        for ext, compress in containers:
            path = os.path.join(outdir, f"{dtype}_{name}{'_z' if compress else ''}.{ext}")
            sitk.WriteImage(image, path, useCompression=compress)
            files.append(path)
    # Every direction with a CT-like int16 volume, MetaImage and NIfTI.
    for name, direction in DIRECTIONS.items():
        image = make_image(rng, "int16", [9, 8, 6], [0.6, 0.8, 3.0], [100.0, -50.5, -300.0], direction)
        for ext in ["mha", "nii.gz"]:
            path = os.path.join(outdir, f"ct_{name}.{ext}")
            sitk.WriteImage(image, path, useCompression=ext == "mha")
            files.append(path)
    # Multi-channel (interleaved) MetaImage and a 2-D image.
    image = make_image(rng, "float32", [6, 5, 3], [1.0, 1.0, 2.0], [1.0, 2.0, 3.0], DIRECTIONS["oblique30"], channels=3)
    files.append(os.path.join(outdir, "vector3.mha"))
    sitk.WriteImage(image, files[-1])
    image2d = sitk.GetImageFromArray(random_array(rng, "uint16", (11, 13)))
    image2d.SetSpacing([0.5, 0.25])
    image2d.SetOrigin([3.0, -4.0])
    c, s = math.cos(math.radians(30)), math.sin(math.radians(30))
    image2d.SetDirection([c, -s, s, c])
    files.append(os.path.join(outdir, "slice2d.mhd"))
    sitk.WriteImage(image2d, files[-1])
    files += hand_made(rng, outdir)
    print(json.dumps([describe(path, outdir, seed=i) for i, path in enumerate(files)]))


def header(size, dtype_name, data_file, extra=""):
    m = rotation([0, 1, 1], 25).T.flatten()  # TransformMatrix lists columns
    return (f"ObjectType = Image\nNDims = 3\nBinaryData = True\n{extra}"
            f"TransformMatrix = {' '.join(repr(float(v)) for v in m)}\n"
            f"Offset = 1.5 -2.5 3.5\nElementSpacing = 0.9 1.1 2.2\n"
            f"DimSize = {' '.join(map(str, size))}\nElementType = {dtype_name}\n"
            f"ElementDataFile = {data_file}\n")


def hand_made(rng, outdir):
    """MetaImage variants SimpleITK reads but does not write."""
    size = [6, 4, 3]
    paths = []
    # Big-endian short and double.
    for dtype, met in [("int16", "MET_SHORT"), ("float64", "MET_DOUBLE")]:
        data = random_array(rng, dtype, tuple(reversed(size)))
        base = os.path.join(outdir, f"bigendian_{dtype}")
        data.astype(np.dtype(dtype).newbyteorder(">")).tofile(base + ".raw")
        with open(base + ".mhd", "w") as f:
            f.write(header(size, met, os.path.basename(base) + ".raw", "BinaryDataByteOrderMSB = True\n"))
        paths.append(base + ".mhd")
    # One file per slice.
    data = random_array(rng, "uint16", tuple(reversed(size)))
    names = []
    for k in range(size[2]):
        names.append(f"list_slice{k}.raw")
        data[k].astype("<u2").tofile(os.path.join(outdir, names[-1]))
    with open(os.path.join(outdir, "list2d.mhd"), "w") as f:
        f.write(header(size, "MET_USHORT", "LIST 2D") + "\n".join(names) + "\n")
    paths.append(os.path.join(outdir, "list2d.mhd"))
    # HeaderSize = -1: the voxels are the last bytes of the data file.
    data = random_array(rng, "int32", tuple(reversed(size)))
    with open(os.path.join(outdir, "tail.dat"), "wb") as f:
        f.write(b"junk header bytes of some other format" * 3)
        f.write(data.astype("<i4").tobytes())
    with open(os.path.join(outdir, "tail.mhd"), "w") as f:
        f.write(header(size, "MET_INT", "tail.dat", "HeaderSize = -1\n"))
    paths.append(os.path.join(outdir, "tail.mhd"))
    # HeaderSize = N and synonyms Position/Orientation/ElementSize.
    data = random_array(rng, "uint8", tuple(reversed(size)))
    with open(os.path.join(outdir, "skip.dat"), "wb") as f:
        f.write(b"\x00" * 17 + data.tobytes())
    text = header(size, "MET_UCHAR", "skip.dat", "HeaderSize = 17\n")
    text = text.replace("TransformMatrix", "Orientation").replace("Offset", "Position").replace("ElementSpacing", "ElementSize")
    with open(os.path.join(outdir, "synonyms.mhd"), "w") as f:
        f.write(text)
    paths.append(os.path.join(outdir, "synonyms.mhd"))
    return paths


if __name__ == "__main__":
    main(sys.argv[1])
