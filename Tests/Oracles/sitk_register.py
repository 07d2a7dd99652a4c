"""SimpleITK oracle: rigid registration with ImageRegistrationMethod, tutorial settings.

  sitk_register.py REQUEST.json
      REQUEST: {"cases": [{"fixed": path, "moving": path}, ...], "points": [[x, y, z], ...],
                "percentages": [p_level0, p_level1, p_level2], "seed": n}
      Mattes MI (50 bins), random sampling at the given per-level percentages, linear
      interpolation, gradient descent (learning rate 1, 100 iterations, convergence 1e-6
      over 10), scales from physical shift, shrink 4/2/1 with smoothing 2/1/0 mm, Euler3D
      started by CenteredTransformInitializer(GEOMETRY). Prints per case
      {"mapped": the points through the result, "metric", "iterations", "seconds", "stop"}.
"""
import json
import sys
import time

import SimpleITK as sitk


def register(case, points, percentages, seed):
    fixed = sitk.ReadImage(case["fixed"], sitk.sitkFloat32)
    moving = sitk.ReadImage(case["moving"], sitk.sitkFloat32)
    start = time.perf_counter()
    initial = sitk.CenteredTransformInitializer(fixed, moving, sitk.Euler3DTransform(),
                                                sitk.CenteredTransformInitializerFilter.GEOMETRY)
    method = sitk.ImageRegistrationMethod()
    method.SetMetricAsMattesMutualInformation(numberOfHistogramBins=50)
    method.SetMetricSamplingStrategy(method.RANDOM)
    method.SetMetricSamplingPercentagePerLevel(percentages, seed)
    method.SetInterpolator(sitk.sitkLinear)
    method.SetOptimizerAsGradientDescent(learningRate=1.0, numberOfIterations=100,
                                         convergenceMinimumValue=1e-6, convergenceWindowSize=10)
    method.SetOptimizerScalesFromPhysicalShift()
    method.SetShrinkFactorsPerLevel(shrinkFactors=[4, 2, 1])
    method.SetSmoothingSigmasPerLevel(smoothingSigmas=[2, 1, 0])
    method.SmoothingSigmasAreSpecifiedInPhysicalUnitsOn()
    method.SetInitialTransform(initial, inPlace=False)
    result = method.Execute(fixed, moving)
    seconds = time.perf_counter() - start
    return {
        "mapped": [list(result.TransformPoint(p)) for p in points],
        "metric": method.GetMetricValue(),
        "iterations": method.GetOptimizerIteration(),
        "seconds": seconds,
        "stop": method.GetOptimizerStopConditionDescription(),
    }


if __name__ == "__main__":
    with open(sys.argv[1]) as f:
        request = json.load(f)
    points = [[float(c) for c in p] for p in request["points"]]
    print(json.dumps([register(c, points, request["percentages"], request["seed"]) for c in request["cases"]]))
