"""Imports pylidc 0.2.3 with today's numpy: it still says np.int and np.float, which numpy
1.24 removed. Aliasing them to the builtins (what they always were) is enough; np.bool is
left alone because numpy 2 has it again as its own type. Test tier only."""
import os
import warnings

import numpy as np

if not hasattr(np, "int"):
    np.int = int
if not hasattr(np, "float"):
    np.float = float
warnings.filterwarnings("ignore")
# pylidc writes ~/.pylidcrc only when asked for DICOM paths, which these scripts never do.
os.environ.setdefault("MPLBACKEND", "Agg")

import pylidc  # noqa: E402

__all__ = ["pylidc", "np"]
