"""Writes libFuzzer seed corpora for the NoduleKit parsers from real files.

MetaImage and NIfTI seeds are the real headers and images themselves (ITK's and MONAI's
MetaImage examples in ../shared/testdata and the repo's SampleData; nibabel's NIfTI test
images), with separate data files folded in as LOCAL data so one input is one image. The
.npy, safetensors and model.json seeds hold crops of those real images (there are no
third-party files of those kinds in the test data), written the way NumPy, the
safetensors reference writer and `nodulekit train` write them. The annotations CSV seeds
are the real LUNA16 lists, cut to their first rows.

Usage: seeds.py TESTDATA CORPUS_ROOT   (writes CORPUS_ROOT/<Target>/…)
"""
import glob
import io
import json
import os
import struct
import sys

import numpy as np

MAX_SEED = 128 << 10


def put(folder, name, data):
    os.makedirs(folder, exist_ok=True)
    if len(data) <= MAX_SEED:
        with open(os.path.join(folder, name), "wb") as f:
            f.write(data)


def metaimage(testdata, repo, out):
    headers = glob.glob(f"{testdata}/metaimage/**/*.mh[da]", recursive=True) + glob.glob(f"{repo}/SampleData/*.mhd")
    for path in sorted(headers):
        raw = open(path, "rb").read()
        base = os.path.basename(path)
        if path.endswith(".mha") and b"ElementDataFile = LOCAL" in raw:
            put(out, base, raw)
            continue
        text = raw.decode("latin-1")
        put(out, base, raw)  # the header alone: its data file is missing
        lines = text.splitlines()
        data_line = next((l for l in lines if l.startswith("ElementDataFile")), None)
        if data_line is None:
            continue
        name = data_line.split("=", 1)[1].strip()
        data_path = os.path.join(os.path.dirname(path), name)
        if not os.path.isfile(data_path):
            continue
        data = open(data_path, "rb").read()[: MAX_SEED - 1024]
        head = "\n".join(l for l in lines if not l.startswith("ElementDataFile"))
        put(out, base + ".local.mha", (head + "\nElementDataFile = LOCAL\n").encode("latin-1") + data)
        # The harness also writes the input as fuzz.raw / fuzz.zraw: name it.
        alias = "fuzz.zraw" if name.endswith(".zraw") else "fuzz.raw"
        put(out, base + ".named.mhd", (head + f"\nElementDataFile = {alias}\n").encode("latin-1"))


def nifti(out):
    import gzip
    import nibabel

    folder = os.path.join(os.path.dirname(nibabel.__file__), "tests", "data")
    for path in sorted(glob.glob(f"{folder}/*.nii") + glob.glob(f"{folder}/*.nii.gz")):
        data = open(path, "rb").read()
        if len(data) > MAX_SEED and path.endswith(".nii"):
            data = data[:MAX_SEED]  # a real header with truncated voxels
        put(out, os.path.basename(path), data)
        if path.endswith(".nii") and len(data) <= MAX_SEED // 2:
            put(out, os.path.basename(path) + ".gz", gzip.compress(data))


def real_slice(testdata):
    """A real 2-D CT slice (MONAI's head CT) as int16, and a uint8 crop of ITK's brain slice."""
    import SimpleITK as sitk

    ct = sitk.GetArrayFromImage(sitk.ReadImage(f"{testdata}/metaimage/monai/CT_2D_head_fixed.mha")).astype(np.int16)
    brain = np.fromfile(f"{testdata}/metaimage/itk-examples/BrainProtonDensitySliceBorder20.raw", dtype=np.uint8)
    return ct.reshape(ct.shape[-2:]), brain.reshape(-1, 221)


def numpy_files(testdata, out):
    ct, brain = real_slice(testdata)
    crop = ct[96:160, 96:160]
    arrays = {
        "slices_f32.npy": (crop.astype(np.float32) / 1000)[None, None],
        "masks_u8.npy": (brain[64:96, 64:96] > 100).astype(np.uint8)[None, None],
        "ct_i16.npy": crop,
        "labels_u8.npy": np.array([0, 1, 1, 0], dtype=np.uint8),
        "scalar_f32.npy": np.array(1.5, dtype=np.float32),
        "empty_f32.npy": np.zeros((0, 2, 8, 8), dtype=np.float32),
    }
    for name, array in arrays.items():
        buffer = io.BytesIO()
        np.save(buffer, array)
        put(out, name, buffer.getvalue())
    buffer = io.BytesIO()
    np.lib.format.write_array(buffer, crop.astype(np.float32), version=(2, 0))
    put(out, "v2_f32.npy", buffer.getvalue())


def safetensors_files(testdata, out):
    ct, _ = real_slice(testdata)
    weights = (ct[100:108, 100:108].astype(np.float32) / 1000)

    def write(tensors, metadata=None):
        header, offset, blobs = {}, 0, []
        for name in sorted(tensors):
            blob = np.ascontiguousarray(tensors[name], dtype="<f4").tobytes()
            header[name] = {"dtype": "F32", "shape": list(tensors[name].shape), "data_offsets": [offset, offset + len(blob)]}
            offset += len(blob)
            blobs.append(blob)
        if metadata:
            header["__metadata__"] = metadata
        text = json.dumps(header, separators=(",", ":")).encode()
        text += b" " * ((8 - len(text) % 8) % 8)
        return struct.pack("<Q", len(text)) + text + b"".join(blobs)

    put(out, "dense.safetensors", write({"0.weight": weights[:2, :4], "0.bias": weights[2, :2]}))
    put(out, "conv.safetensors", write({"0.weight": weights[:2, :4].reshape(2, 2, 1, 2), "0.bias": weights[3, :2]},
                                       {"format": "pt"}))
    put(out, "empty.safetensors", write({}))


def model_json(out):
    # Swift's synthesized Codable form of ModelDescription, as `nodulekit train` writes it.
    kinds = {
        "unet.json": {"unet": {"_0": {"inputChannels": 1, "widthMultiplier": 0.0625, "levels": 3, "dropoutRate": 0.5, "seed": 7}}},
        "unet-paper.json": {"unet": {"_0": {"inputChannels": 1, "widthMultiplier": 1, "levels": 5, "dropoutRate": 0.5, "seed": 0}}},
        "encoder.json": {"encoder": {"_0": {"inputChannels": 2, "imageSize": 32, "channels": [8, 16, 32], "hiddenUnits": 128,
                                            "dropoutRate": 0.5, "seed": 0}}},
        "fully-connected.json": {"fullyConnected": {"_0": {"inputChannels": 2, "imageSize": 16, "hiddenUnits": [128], "seed": 0}}},
        "encoder-decoder.json": {"encoderDecoder": {"_0": {"inputChannels": 2, "imageSize": 16, "widthMultiplier": 0.0625,
                                                           "levels": 3, "hiddenUnits": [16], "seed": 0}}},
    }
    for name, value in kinds.items():
        put(out, name, json.dumps(value, indent=2, sort_keys=True).encode())


def csv_files(testdata, repo, out):
    sources = sorted(glob.glob(f"{testdata}/luna16/*.csv")) + [f"{repo}/SampleData/annotations.csv"]
    for path in sources:
        lines = open(path, "rb").read().splitlines(keepends=True)[:40]
        put(out, os.path.basename(path), b"".join(lines))
    put(out, "labels.csv", b"seriesuid,label,patient\n1.2.3,benign,P1\n1.2.4,malignant,P2\n1.2.5,1,P2\n")
    put(out, "nodules.csv", b"seriesuid,label,voxel_k,mask_voxels\n1.2.3,1,40,812\n1.2.3,2,41,0\n")


def main():
    testdata, root = sys.argv[1], sys.argv[2]
    repo = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    metaimage(testdata, repo, f"{root}/MetaImageFuzz")
    nifti(f"{root}/NIfTIFuzz")
    numpy_files(testdata, f"{root}/NumPyFuzz")
    safetensors_files(testdata, f"{root}/SafetensorsFuzz")
    model_json(f"{root}/ModelJSONFuzz")
    csv_files(testdata, repo, f"{root}/AnnotationsCSVFuzz")


if __name__ == "__main__":
    main()
