#!/usr/bin/env python3
"""PyTorch anchor of the screening bench: the forward pass that `nodulekit screen` runs, the
paper's full-width U-Net (scripts/nn/paper_models.py) over SLICES slices of SIZE×SIZE in
batches of 16 with the sigmoid, no gradients. Prints the median seconds of N runs after a
warm-up. Usage: screen_torch.py SLICES SIZE THREADS N
"""
import os
import statistics
import sys
import time

import torch

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "nn"))
from paper_models import unet  # noqa: E402


def main():
    slices, size, threads, repeats = (int(a) for a in sys.argv[1:5])
    torch.set_num_threads(threads)
    torch.manual_seed(1)
    net = unet(1, 64).eval()
    volume = torch.rand(slices, 1, size, size)

    def run():
        with torch.no_grad():
            for start in range(0, slices, 16):
                torch.sigmoid(net(volume[start:start + 16]))

    run()
    times = []
    for _ in range(repeats):
        t = time.perf_counter()
        run()
        times.append(time.perf_counter() - t)
    print(f"{statistics.median(times):.4f}")


if __name__ == "__main__":
    main()
