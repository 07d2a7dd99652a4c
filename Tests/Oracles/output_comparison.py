"""Shared by the oracles that run our models in another engine (onnx_run.py, torch_run.py):
the fields that compare that engine's output with ours."""
import numpy as np


def comparison(theirs, ours):
    """Output shape, the largest absolute difference (-1 when the shapes differ), and the
    output's mean and spread (max - min), which show whether the comparison means something."""
    return {
        "output_shape": list(theirs.shape),
        "max_abs_diff": float(np.max(np.abs(theirs - ours))) if theirs.shape == ours.shape else -1.0,
        "output_mean": float(np.mean(theirs)),
        "output_spread": float(np.max(theirs) - np.min(theirs)),
    }
