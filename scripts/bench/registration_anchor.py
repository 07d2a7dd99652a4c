"""SimpleITK anchors for scripts/bench/registration.sh.

  make DIR          write a 128x128x100 PET-like float volume at 4 mm (pet.mha), a
                    512x512x300 CT grid at 0.7x0.7x1 mm (ct.mha) and a rigid transform (t.tfm)
  resample DIR N    median seconds of sitk.Resample(pet, ct, t, linear, 0.0)
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


if __name__ == "__main__":
    if sys.argv[1] == "make":
        make(sys.argv[2])
    else:
        resample(sys.argv[2], int(sys.argv[3]))
