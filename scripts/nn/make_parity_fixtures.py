#!/usr/bin/env python3
"""Makes the PyTorch parity fixtures for NeuralNet (Tests/NeuralNetTests/Fixtures/parity_*.safetensors).

Builds a small network that uses every parameterised layer kind of NeuralNet (3x3 'same' and
5x5 'valid' conv, 1x1 conv, max pool, 2x2/2 transposed conv, U-Net skip concatenation,
nearest up-sampling, sigmoid, ReLU, flatten, dense), runs it in float64 on a fixed input and
saves, as float32: the weights, the input and targets, the logits, the losses and the gradient
of the loss with respect to every parameter. The Swift test ParityTests loads them.

Run once with PyTorch installed (e.g. .build-nn/torch-venv/bin/python scripts/nn/make_parity_fixtures.py);
the outputs are committed, so `make test` needs no Python.
"""
import os
import torch
from torch import nn
from safetensors.torch import save_file

OUT = os.path.join(os.path.dirname(__file__), "..", "..", "Tests", "NeuralNetTests", "Fixtures")


class SkipConnection(nn.Module):
    """NeuralNet.SkipConnection: concat([x, inner(x)]) along channels."""

    def __init__(self, inner):
        super().__init__()
        self.inner = inner

    def forward(self, x):
        return torch.cat([x, self.inner(x)], dim=1)


def make_network():
    return nn.Sequential(
        nn.Conv2d(2, 4, 3, padding=1),  # 0
        nn.ReLU(),  # 1
        SkipConnection(nn.Sequential(  # 2
            nn.MaxPool2d(2), nn.Conv2d(4, 6, 3, padding=1), nn.ReLU(),
            nn.ConvTranspose2d(6, 4, 2, stride=2), nn.ReLU())),
        nn.Conv2d(8, 3, 5),  # 3 'valid': 8x8 -> 4x4
        nn.Sigmoid(),  # 4
        nn.Upsample(scale_factor=2, mode="nearest"),  # 5
        nn.Conv2d(3, 2, 1),  # 6
        nn.MaxPool2d(2),  # 7
        nn.Flatten(),  # 8
        nn.Linear(32, 16),  # 9
        nn.ReLU(),  # 10
        nn.Linear(16, 4),  # 11
    )


def main():
    torch.manual_seed(1234)
    net = make_network()  # PyTorch's default init, in float32
    net = net.double()  # same values, exact float64 reference arithmetic
    x = torch.randn(3, 2, 8, 8, dtype=torch.float64)
    labels = torch.tensor([0, 3, 2])
    targets = nn.functional.one_hot(labels, 4).double()
    class_weights = torch.tensor([0.5, 1.0, 2.0, 1.5], dtype=torch.float64)

    logits = net(x)
    # NeuralNet's weighted categorical cross-entropy divides by the sample count (as Keras does),
    # not by the sum of weights as F.cross_entropy(weight=...) would.
    nll = -(targets * torch.log_softmax(logits, dim=1)).sum(dim=1)
    loss = (nll * (targets @ class_weights)).mean()
    loss.backward()

    # A separate check of BCE on logits with per-pixel weights.
    bce_logits = (torch.randn(2, 1, 4, 4, dtype=torch.float64) * 3).requires_grad_()
    bce_targets = (torch.rand(2, 1, 4, 4, dtype=torch.float64) > 0.5).double()
    bce_weights = torch.rand(2, 1, 4, 4, dtype=torch.float64) + 0.5
    bce = nn.functional.binary_cross_entropy_with_logits(bce_logits, bce_targets, weight=bce_weights)
    bce.backward()

    f32 = lambda t: t.detach().float().contiguous()
    os.makedirs(OUT, exist_ok=True)
    save_file({k: f32(v) for k, v in net.state_dict().items()}, os.path.join(OUT, "parity_weights.safetensors"))
    save_file({k: f32(p.grad) for k, p in net.named_parameters()}, os.path.join(OUT, "parity_gradients.safetensors"))
    save_file({
        "input": f32(x), "targets": f32(targets), "class_weights": f32(class_weights),
        "logits": f32(logits), "loss": f32(loss.reshape(1)),
        "bce_logits": f32(bce_logits), "bce_targets": f32(bce_targets), "bce_weights": f32(bce_weights),
        "bce_loss": f32(bce.reshape(1)), "bce_gradient": f32(bce_logits.grad),
    }, os.path.join(OUT, "parity_io.safetensors"))
    print("wrote parity fixtures to", os.path.normpath(OUT), "loss", loss.item())


if __name__ == "__main__":
    main()
