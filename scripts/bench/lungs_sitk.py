"""Anchor and input maker for the lung-mask bench (scripts/bench/lungs.sh).

make SERIES OUT.mha   resample the CPTAC chest CT (99 x 3 mm) to 300 slices of 1 mm
                      (512 x 512 x 300, linear), the size the issue names
run IN.mha RUNS       the classic SimpleITK lung pipeline, median seconds: air below
                      -320 HU inside the body (the largest non-air region, holes filled),
                      the two largest air regions, closed by a 15 mm ball, holes filled
"""
import statistics
import sys
import time

import SimpleITK as sitk


def make(series, out):
    reader = sitk.ImageSeriesReader()
    reader.SetFileNames(reader.GetGDCMSeriesFileNames(series))
    ct = reader.Execute()
    size = list(ct.GetSize())
    spacing = list(ct.GetSpacing())
    extent = (size[2] - 1) * spacing[2]
    new_spacing = [spacing[0], spacing[1], extent / 299]
    resampled = sitk.Resample(ct, [size[0], size[1], 300], sitk.Transform(), sitk.sitkLinear,
                              ct.GetOrigin(), new_spacing, ct.GetDirection(), -1024, sitk.sitkInt16)
    sitk.WriteImage(resampled, out)


def lungs(ct):
    body = sitk.BinaryThreshold(ct, -320, 32767, 1, 0)
    body = sitk.RelabelComponent(sitk.ConnectedComponent(body)) == 1
    body = sitk.BinaryFillhole(body)
    air = sitk.And(body, sitk.BinaryThreshold(ct, -32768, -321, 1, 0))
    labels = sitk.RelabelComponent(sitk.ConnectedComponent(air))
    two = sitk.BinaryThreshold(labels, 1, 2, 1, 0)
    radius = [int(round(15 / s)) for s in ct.GetSpacing()]
    closed = sitk.BinaryMorphologicalClosing(two, radius, sitk.sitkBall)
    return sitk.BinaryFillhole(closed)


def run(path, runs):
    sitk.ProcessObject.SetGlobalDefaultNumberOfThreads(2)
    ct = sitk.ReadImage(path)
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        mask = lungs(ct)
        times.append(time.perf_counter() - start)
    volume = int(sitk.GetArrayViewFromImage(mask).sum(dtype="int64")) * ct.GetSpacing()[0] * ct.GetSpacing()[1] * ct.GetSpacing()[2] / 1000
    print(f"anchor_s={statistics.median(times):.4f} lungs_ml={volume:.0f}")


if __name__ == "__main__":
    if sys.argv[1] == "make":
        make(sys.argv[2], sys.argv[3])
    else:
        run(sys.argv[2], int(sys.argv[3]))
