"""SimpleITK oracle for resampling through a transform.

  sitk_resample.py REQUEST.json
      REQUEST: [{"moving": path, "reference": path, "transform": tfm path,
                 "interpolation": "linear"|"nearest", "default": value, "output": path}, ...]
      Runs sitk.Resample(moving, reference, ReadTransform(transform), interpolator, default)
      for each and writes the result to "output" (MetaImage, uncompressed). Prints the
      number of images written.
"""
import json
import sys

import SimpleITK as sitk

INTERPOLATORS = {"linear": sitk.sitkLinear, "nearest": sitk.sitkNearestNeighbor}

if __name__ == "__main__":
    with open(sys.argv[1]) as f:
        jobs = json.load(f)
    for job in jobs:
        moving = sitk.ReadImage(job["moving"])
        reference = sitk.ReadImage(job["reference"])
        transform = sitk.ReadTransform(job["transform"])
        result = sitk.Resample(moving, reference, transform, INTERPOLATORS[job["interpolation"]],
                               float(job["default"]), moving.GetPixelID())
        sitk.WriteImage(result, job["output"], useCompression=False)
    print(len(jobs))
