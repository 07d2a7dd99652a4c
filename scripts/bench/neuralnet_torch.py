#!/usr/bin/env python3
"""PyTorch CPU anchor for nn-bench: the same paper networks, batches and timing rule
(one warm-up, then the median of N runs). Prints `NAME seconds` lines with the names
Benchmarks/NeuralNetBench uses. Usage: neuralnet_torch.py [--threads 1,2] [--sizes 64,128] [--repeats 3]
"""
import argparse
import statistics
import time

import torch
from torch import nn


class SkipConnection(nn.Module):
    def __init__(self, inner):
        super().__init__()
        self.inner = inner

    def forward(self, x):
        return torch.cat([x, self.inner(x)], dim=1)


def paper_unet():
    channels = [64, 128, 256, 512, 1024]

    def level(depth, cin):
        ch = channels[depth]
        layers = [nn.Conv2d(cin, ch, 3, padding=1), nn.ReLU()]
        if depth >= len(channels) - 2:
            layers.append(nn.Dropout(0.5))
        if depth + 1 == len(channels):
            return nn.Sequential(*layers), ch
        deeper, deeper_ch = level(depth + 1, ch)
        layers.append(SkipConnection(nn.Sequential(
            nn.MaxPool2d(2), deeper, nn.ConvTranspose2d(deeper_ch, ch, 2, stride=2), nn.ReLU())))
        return nn.Sequential(*layers), 2 * ch

    body, out = level(0, 1)
    return nn.Sequential(body, nn.Conv2d(out, 1, 1))


def paper_classifier():
    return nn.Sequential(
        nn.Conv2d(2, 8, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(8, 16, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(16, 32, 3, padding=1), nn.ReLU(), nn.Dropout(0.5), nn.MaxPool2d(2),
        nn.Flatten(), nn.Linear(32 * 8 * 8, 128), nn.ReLU(), nn.Linear(128, 2))


def median(repeats, fn):
    fn()
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--threads", default="1,2")
    parser.add_argument("--sizes", default="64,128")
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    batch = 16
    torch.manual_seed(0)
    for threads in [int(t) for t in args.threads.split(",")]:
        torch.set_num_threads(threads)
        for size in [int(s) for s in args.sizes.split(",") if s.isdigit()]:
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

            print(f"unet{size}_train_t{threads} {median(args.repeats, train)}", flush=True)
            print(f"unet{size}_infer_t{threads} {median(args.repeats, infer)}", flush=True)
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
        print(f"classifier_train_t{threads} {median(reps, clf_train)}", flush=True)
        print(f"classifier_infer_t{threads} {median(reps, clf_infer)}", flush=True)


if __name__ == "__main__":
    main()
