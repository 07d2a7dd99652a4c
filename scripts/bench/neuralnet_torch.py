#!/usr/bin/env python3
"""PyTorch CPU anchor for nn-bench: the same paper networks, batches and timing rule
(one warm-up, then the median of N runs). Prints `NAME seconds` lines with the names
Benchmarks/NeuralNetBench uses. Usage: neuralnet_torch.py [--threads 1,2] [--sizes 64,128] [--repeats 3]
[--cases unet,classifier] [--phases train,infer] (the last two narrow a run, as in nn-bench).
"""
import argparse
import os
import statistics
import sys
import time

import torch
from torch import nn


# The networks are the ones NoduleModels builds; scripts/nn/paper_models.py is their PyTorch twin.
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "nn"))
from paper_models import encoder_classifier, unet  # noqa: E402


def paper_unet():
    return unet(1, 64)


def paper_classifier():
    return encoder_classifier(2, 64)


# As in nn-bench: NN_BENCH_CLOCK=cpu times with the process CPU clock (one thread, for
# iterating on a busy machine) and NN_BENCH_STAT=min reports the fastest run.
CLOCK = time.process_time if os.environ.get("NN_BENCH_CLOCK") == "cpu" else time.perf_counter
FASTEST = os.environ.get("NN_BENCH_STAT") == "min"


def median(repeats, fn):
    fn()
    times = []
    for _ in range(repeats):
        start = CLOCK()
        fn()
        times.append(CLOCK() - start)
    return min(times) if FASTEST else statistics.median(times)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--threads", default="1,2")
    parser.add_argument("--sizes", default="64,128")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--cases", default="unet,classifier")
    parser.add_argument("--phases", default="train,infer")
    args = parser.parse_args()
    cases, phases = args.cases.split(","), args.phases.split(",")
    batch = 16
    torch.manual_seed(0)
    for threads in [int(t) for t in args.threads.split(",")]:
        torch.set_num_threads(threads)
        for size in [int(s) for s in args.sizes.split(",") if s.isdigit() and "unet" in cases]:
            net = paper_unet()
            opt = torch.optim.Adam(net.parameters(), lr=1e-3, eps=1e-7)
            x = torch.randn(batch, 1, size, size)
            masks = (x > 1).float()
            loss_fn = nn.BCEWithLogitsLoss()

            def train():
                net.train()
                opt.zero_grad()
                loss_fn(net(x), masks).backward()
                opt.step()

            def infer():
                net.eval()
                with torch.no_grad():
                    net(x)

            if "train" in phases:
                print(f"unet{size}_train_t{threads} {median(args.repeats, train)}", flush=True)
            if "infer" in phases:
                print(f"unet{size}_infer_t{threads} {median(args.repeats, infer)}", flush=True)
        if "classifier" not in cases:
            continue
        clf = paper_classifier()
        opt = torch.optim.Adam(clf.parameters(), lr=1e-3, eps=1e-7)
        x = torch.randn(batch, 2, 64, 64)
        labels = torch.arange(batch) % 2

        def clf_train():
            clf.train()
            opt.zero_grad()
            nn.functional.cross_entropy(clf(x), labels).backward()
            opt.step()

        def clf_infer():
            clf.eval()
            with torch.no_grad():
                clf(x)

        reps = max(args.repeats, 20)
        if "train" in phases:
            print(f"classifier_train_t{threads} {median(reps, clf_train)}", flush=True)
        if "infer" in phases:
            print(f"classifier_infer_t{threads} {median(reps, clf_infer)}", flush=True)


if __name__ == "__main__":
    main()
