"""Reads the .npy NoduleKit wrote (argv[1]) with numpy and prints dtype, shape and sum;
writes an int16 array of its own to argv[2] for NoduleKit to read."""
import sys

import numpy as np

a = np.load(sys.argv[1])
print(a.dtype, a.shape, float(a.astype(np.float64).sum()))
np.save(sys.argv[2], (np.arange(15, dtype=np.int16) * 7 - 50).reshape(3, 5))
