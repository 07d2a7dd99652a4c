#!/usr/bin/env python3
"""The paper's networks in PyTorch, built exactly as NoduleModels builds them (same layer
order, so the state_dict names equal NeuralNet's parameter names). The architecture tests in
Tests/NoduleModelsTests/ArchitectureTests.swift record what this prints; the benchmark
anchor (scripts/bench/neuralnet_torch.py) times the same definitions.

Usage: .build-nn/torch-venv/bin/python scripts/nn/paper_models.py
"""
import torch
from torch import nn


class SkipConnection(nn.Module):
    """NeuralNet.SkipConnection: concat([x, inner(x)]) along channels (the U-Net skip)."""

    def __init__(self, inner):
        super().__init__()
        self.inner = inner

    def forward(self, x):
        return torch.cat([x, self.inner(x)], dim=1)


def unet_body(in_channels=1, base=64, levels=5):
    """Encoder 3x3 conv + ReLU per level (base doubling), dropout 0.5 after the last two,
    2x2 max pool between levels; decoder 2x2 up-conv + ReLU concatenated with the encoder
    output of its level, then a 3x3 conv + ReLU back to that level's channels.
    Returns (module, output channels)."""
    channels = [base * 2 ** i for i in range(levels)]

    def level(depth, cin):
        ch = channels[depth]
        layers = [nn.Conv2d(cin, ch, 3, padding=1), nn.ReLU()]
        if depth >= levels - 2:
            layers.append(nn.Dropout(0.5))
        if depth + 1 == levels:
            return nn.Sequential(*layers), ch
        deeper, deeper_ch = level(depth + 1, ch)
        layers.append(SkipConnection(nn.Sequential(
            nn.MaxPool2d(2), deeper, nn.ConvTranspose2d(deeper_ch, ch, 2, stride=2), nn.ReLU())))
        layers += [nn.Conv2d(2 * ch, ch, 3, padding=1), nn.ReLU()]
        return nn.Sequential(*layers), ch

    return level(0, in_channels)


def unet(in_channels=1, base=64, levels=5):
    """The segmenter: body, then a 1x1 conv to one logit per pixel (sigmoid applied on top)."""
    body, out = unet_body(in_channels, base, levels)
    return nn.Sequential(body, nn.Conv2d(out, 1, 1))


def encoder_classifier(in_channels=2, size=64):
    return nn.Sequential(
        nn.Conv2d(in_channels, 8, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(8, 16, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(16, 32, 3, padding=1), nn.ReLU(), nn.Dropout(0.5), nn.MaxPool2d(2),
        nn.Flatten(), nn.Linear(32 * (size // 8) ** 2, 128), nn.ReLU(), nn.Linear(128, 2))


def fully_connected_classifier(in_channels=2, size=64, hidden=(128,)):
    layers, features = [nn.Flatten()], in_channels * size * size
    for h in hidden:
        layers += [nn.Linear(features, h), nn.ReLU()]
        features = h
    layers.append(nn.Linear(features, 2))
    return nn.Sequential(*layers)


def encoder_decoder_classifier(in_channels=2, size=64, base=64, levels=5):
    body, out = unet_body(in_channels, base, levels)
    return nn.Sequential(body, nn.Conv2d(out, 1, 1), nn.ReLU(), nn.Flatten(),
                         nn.Linear(size * size, 128), nn.ReLU(), nn.Linear(128, 2))


def report(name, net, shape):
    params = sum(p.numel() for p in net.parameters())
    out = net.eval()(torch.zeros(*shape))
    print(f"{name}: input {list(shape)} output {list(out.shape)} parameters {params}")
    for key, value in net.state_dict().items():
        print(f"  {key} {list(value.shape)}")


if __name__ == "__main__":
    report("unet", unet(1, 64), (1, 1, 64, 64))
    report("unet_width_0.125", unet(1, 8), (1, 1, 64, 64))
    report("encoder_classifier", encoder_classifier(2, 64), (1, 2, 64, 64))
    report("fully_connected_classifier", fully_connected_classifier(2, 64), (1, 2, 64, 64))
    report("encoder_decoder_classifier_width_0.125", encoder_decoder_classifier(2, 64, 8), (1, 2, 64, 64))
