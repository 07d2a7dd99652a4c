#!/usr/bin/env python3
"""Oracle for the safetensors -> PyTorch path: scripts/nn/paper_models.py's `load_run` builds
the network a NoduleKit run folder's model.json describes, loads its best.safetensors with
safetensors.torch.load_file (strict), and runs it on INPUT.npy; the probabilities are compared
with OURS.npy (NoduleKit's own inference on the same input).

Usage: torch_run.py RUN INPUT.npy OURS.npy
Prints JSON: kind, torch version, tensor count, parameter count, output shape, max_abs_diff,
output mean and spread (max - min).
"""
import json
import os
import sys

import numpy as np
import torch

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "scripts", "nn"))
import paper_models  # noqa: E402
from output_comparison import comparison  # noqa: E402


def main():
    run, input_path, ours_path = sys.argv[1:4]
    torch.set_num_threads(1)
    net, kind = paper_models.load_run(run)
    x = torch.from_numpy(np.load(input_path).astype(np.float32))
    theirs = paper_models.probabilities(net, kind, x).numpy()
    ours = np.load(ours_path).astype(np.float32)
    print(json.dumps({
        "kind": kind,
        "torch": torch.__version__,
        "tensors": len(net.state_dict()),
        "parameters": int(sum(p.numel() for p in net.parameters())),
        **comparison(theirs, ours),
    }))


if __name__ == "__main__":
    main()
