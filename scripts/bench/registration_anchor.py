"""SimpleITK anchors for scripts/bench/registration.sh.

  make DIR          write a 128x128x100 PET-like float volume at 4 mm (pet.mha), a
                    512x512x300 CT grid at 0.7x0.7x1 mm (ct.mha) and a rigid transform (t.tfm)
  resample DIR N    median seconds of sitk.Resample(pet, ct, t, linear, 0.0)
  make-pair DIR     a chest-like CT (512x512x300, 0.7x0.7x1 mm, HU) and a PET-like image
                    (128x128x100, 4 mm, SUV, 6 mm FWHM, noise) seeing it through truth.tfm
  register DIR N    median seconds of SimpleITK's ImageRegistrationMethod (Mattes MI, 50
                    bins, 1 % random sampling, shrink 4/2/1, smoothing 2/1/0 mm, gradient
                    descent, physical-shift scales, geometry start); prints the mean target
                    registration error over the lungs (mm) on standard error
"""
import os
import statistics
import sys
import time

import numpy as np
import SimpleITK as sitk


def make(folder):
    os.makedirs(folder, exist_ok=True)
    rng = np.random.default_rng(7)
    pet = rng.gamma(2.0, 0.6, (100, 128, 128)).astype(np.float32)
    image = sitk.GetImageFromArray(pet)
    image.SetSpacing((4.0, 4.0, 4.0))
    image.SetOrigin((-254.0, -254.0, -420.0))
    sitk.WriteImage(image, os.path.join(folder, "pet.mha"))
    ct = sitk.Image(512, 512, 300, sitk.sitkInt16)
    ct.SetSpacing((0.7, 0.7, 1.0))
    ct.SetOrigin((-179.0, -179.0, -350.0))
    sitk.WriteImage(ct, os.path.join(folder, "ct.mha"))
    t = sitk.Euler3DTransform((0.0, 0.0, -200.0), 0.05, -0.03, 0.08, (6.0, -9.0, 4.0))
    sitk.WriteTransform(t, os.path.join(folder, "t.tfm"))


def resample(folder, n):
    pet = sitk.ReadImage(os.path.join(folder, "pet.mha"))
    ct = sitk.ReadImage(os.path.join(folder, "ct.mha"))
    t = sitk.ReadTransform(os.path.join(folder, "t.tfm"))
    samples = []
    for _ in range(n):
        start = time.perf_counter()
        sitk.Resample(pet, ct, t, sitk.sitkLinear, 0.0, sitk.sitkFloat32)
        samples.append(time.perf_counter() - start)
    print(f"{statistics.median(samples):.4f}")


ORGANS = [((0, 0, -200), (150, 105, 400), 40, 0.8), ((-65, 0, -185), (48, 62, 95), -850, 0.3),
          ((70, 8, -195), (40, 55, 80), -850, 0.3), ((25, -35, -215), (45, 38, 45), 45, 2.6),
          ((0, 82, -200), (16, 16, 400), 700, 1.3), ((-50, -10, -300), (80, 70, 42), 60, 2.2),
          ((-70, 12, -165), (9, 9, 9), 30, 7.0)]


def tissue(x, y, z, column, outside):
    out = np.full(x.shape, outside, np.float32)
    for centre, radii, hu, suv in ORGANS:
        inside = ((x - centre[0]) / radii[0]) ** 2 + ((y - centre[1]) / radii[1]) ** 2 + ((z - centre[2]) / radii[2]) ** 2 <= 1
        out[inside] = hu if column == 0 else suv
    return out


def lung_points():
    points = []
    for centre, radii, _, _ in ORGANS[1:3]:
        for dx in np.arange(-radii[0], radii[0] + 1, 10):
            for dy in np.arange(-radii[1], radii[1] + 1, 10):
                for dz in np.arange(-radii[2], radii[2] + 1, 10):
                    if (dx / radii[0]) ** 2 + (dy / radii[1]) ** 2 + (dz / radii[2]) ** 2 <= 1:
                        points.append((float(centre[0] + dx), float(centre[1] + dy), float(centre[2] + dz)))
    return points


def make_pair(folder):
    os.makedirs(folder, exist_ok=True)
    rng = np.random.default_rng(11)
    ct = np.empty((300, 512, 512), np.int16)
    j, i = np.mgrid[0:512, 0:512]
    for k in range(300):   # slice by slice: a whole float grid would need 2.4 GB
        x, y, z = -179.0 + i * 0.7, -179.0 + j * 0.7, np.full(i.shape, -350.0 + k)
        ct[k] = np.clip(tissue(x, y, z, 0, -1000) + rng.normal(0, 12, i.shape), -1024, 3000)
    image = sitk.GetImageFromArray(ct)
    image.SetSpacing((0.7, 0.7, 1.0))
    image.SetOrigin((-179.0, -179.0, -350.0))
    sitk.WriteImage(image, os.path.join(folder, "pair-ct.mha"))
    truth = sitk.Euler3DTransform((0.0, 0.0, -200.0), 0.07, -0.05, 0.1, (8.0, -12.0, 6.0))
    sitk.WriteTransform(truth, os.path.join(folder, "truth.tfm"))
    inverse = truth.GetInverse()
    m = np.array(inverse.GetMatrix()).reshape(3, 3)
    c = np.array(inverse.GetCenter())
    o = np.array(inverse.GetTranslation()) + c - m @ c
    k, j, i = np.mgrid[0:100, 0:128, 0:128]
    x, y, z = -254.0 + i * 4.0, -254.0 + j * 4.0, -400.0 + k * 4.0
    px = m[0, 0] * x + m[0, 1] * y + m[0, 2] * z + o[0]
    py = m[1, 0] * x + m[1, 1] * y + m[1, 2] * z + o[1]
    pz = m[2, 0] * x + m[2, 1] * y + m[2, 2] * z + o[2]
    pet = sitk.GetImageFromArray(tissue(px, py, pz, 1, 0.0))
    pet.SetSpacing((4.0, 4.0, 4.0))
    pet.SetOrigin((-254.0, -254.0, -400.0))
    pet = sitk.SmoothingRecursiveGaussian(pet, 6 / 2.3548)
    a = sitk.GetArrayFromImage(pet)
    a = np.maximum(0, a + 0.15 * np.sqrt(np.maximum(a, 0)) * rng.normal(size=a.shape)).astype(np.float32)
    noisy = sitk.GetImageFromArray(a)
    noisy.CopyInformation(pet)
    sitk.WriteImage(noisy, os.path.join(folder, "pair-pet.mha"))


def register(folder, n):
    # The same method and settings as the test oracle, at 1 % on every level.
    sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "Tests", "Oracles"))
    from sitk_register import register as sitk_register
    truth = sitk.ReadTransform(os.path.join(folder, "truth.tfm"))
    points = lung_points()
    case = {"fixed": os.path.join(folder, "pair-ct.mha"), "moving": os.path.join(folder, "pair-pet.mha")}
    runs = [sitk_register(case, points, [0.01, 0.01, 0.01], 1) for _ in range(n)]
    mapped = runs[-1]["mapped"]
    tre = np.mean([np.linalg.norm(np.array(m) - np.array(truth.TransformPoint(p))) for m, p in zip(mapped, points)])
    print(f"simpleitk registration TRE {tre:.2f} mm", file=sys.stderr)
    print(f"{statistics.median(r['seconds'] for r in runs):.4f}")


if __name__ == "__main__":
    command = sys.argv[1]
    if command == "make":
        make(sys.argv[2])
    elif command == "make-pair":
        make_pair(sys.argv[2])
    elif command == "register":
        register(sys.argv[2], int(sys.argv[3]))
    else:
        resample(sys.argv[2], int(sys.argv[3]))
