"""SimpleITK/numpy anchors for scripts/bench/imaging.sh.

  make DIR            write a 512x512x300 MET_SHORT CT-like volume as raw and zraw + 20 nodules
  read FILE N         median seconds of sitk.ReadImage
  masks CSV IMG OUT N median seconds of the LUNA16-tutorial mask job: read, a bounding box
                      per nodule, a sphere in numpy, write the compressed mask
"""
import csv
import os
import statistics
import sys
import time

import numpy as np
import SimpleITK as sitk


def make(folder):
    os.makedirs(folder, exist_ok=True)
    rng = np.random.default_rng(3)
    k, j, i = np.ogrid[0:300, 0:512, 0:512]
    body = ((i - 256) ** 2 / 230.0 ** 2 + (j - 256) ** 2 / 170.0 ** 2) <= 1
    lungs = (((np.abs(i - 256) - 110) ** 2 / 80.0 ** 2 + (j - 256) ** 2 / 120.0 ** 2) <= 1) & (k >= 0)
    ct = np.where(body, 40, -1000).astype(np.int16)
    ct = np.broadcast_to(ct, (300, 512, 512)).copy()
    ct[np.broadcast_to(lungs, ct.shape)] = -850
    ct += rng.normal(0, 15, ct.shape).astype(np.int16) * np.broadcast_to(body, ct.shape)
    img = sitk.GetImageFromArray(ct)
    img.SetSpacing((0.7, 0.7, 1.0))
    img.SetOrigin((-179.0, -179.0, -350.0))
    uid = "1.2.826.0.1.3680043.99.1"
    raw_dir, z_dir = os.path.join(folder, "raw"), os.path.join(folder, "zraw")
    os.makedirs(raw_dir, exist_ok=True)
    os.makedirs(z_dir, exist_ok=True)
    sitk.WriteImage(img, os.path.join(raw_dir, uid + ".mhd"), useCompression=False)
    sitk.WriteImage(img, os.path.join(z_dir, uid + ".mhd"), useCompression=True)
    with open(os.path.join(folder, "annotations.csv"), "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["seriesuid", "coordX", "coordY", "coordZ", "diameter_mm"])
        for n in range(20):
            x, y, z = rng.uniform(-120, 120), rng.uniform(-100, 100), rng.uniform(-330, -70)
            w.writerow([uid, f"{x:.4f}", f"{y:.4f}", f"{z:.4f}", f"{rng.uniform(4, 30):.3f}"])


def timed(n, fn):
    samples = []
    for _ in range(n):
        t = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - t)
    return statistics.median(samples)


def read(path, n):
    print(f"{timed(n, lambda: sitk.ReadImage(path)):.4f}")


def masks(csv_path, images, out, n):
    rows = list(csv.DictReader(open(csv_path)))
    os.makedirs(out, exist_ok=True)

    def run():
        for uid in sorted({r["seriesuid"] for r in rows}):
            img = sitk.ReadImage(os.path.join(images, uid + ".mhd"))
            arr = np.zeros(sitk.GetArrayViewFromImage(img).shape, dtype=np.uint8)  # z, y, x
            spacing = np.array(img.GetSpacing())
            for r in (r for r in rows if r["seriesuid"] == uid):
                centre = [float(r["coordX"]), float(r["coordY"]), float(r["coordZ"])]
                radius = float(r["diameter_mm"]) / 2
                c = np.array(img.TransformPhysicalPointToContinuousIndex(centre))
                lo = np.maximum(np.floor(c - radius / spacing).astype(int), 0)
                hi = np.minimum(np.ceil(c + radius / spacing).astype(int), np.array(img.GetSize()) - 1)
                if np.any(hi < lo):
                    continue
                ii, jj, kk = np.meshgrid(*[np.arange(lo[a], hi[a] + 1) for a in range(3)], indexing="ij")
                d = ((ii - c[0]) * spacing[0]) ** 2 + ((jj - c[1]) * spacing[1]) ** 2 + ((kk - c[2]) * spacing[2]) ** 2
                sel = d <= radius ** 2
                arr[kk[sel], jj[sel], ii[sel]] = 1
            mask = sitk.GetImageFromArray(arr)
            mask.CopyInformation(img)
            sitk.WriteImage(mask, os.path.join(out, uid + "_mask.mhd"), useCompression=True)
    print(f"{timed(n, run):.4f}")


if __name__ == "__main__":
    cmd = sys.argv[1]
    if cmd == "make":
        make(sys.argv[2])
    elif cmd == "read":
        read(sys.argv[2], int(sys.argv[3]))
    elif cmd == "masks":
        masks(sys.argv[2], sys.argv[3], sys.argv[4], int(sys.argv[5]))
