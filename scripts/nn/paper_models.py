#!/usr/bin/env python3
"""The paper's networks in PyTorch, built exactly as NoduleModels builds them (same layer
order, so the state_dict names equal NeuralNet's parameter names). The architecture tests in
Tests/NoduleModelsTests/ArchitectureTests.swift record what this prints; the benchmark
anchor (scripts/bench/neuralnet_torch.py) times the same definitions.

Usage:
  python scripts/nn/paper_models.py                      prints every model's state_dict names
  python scripts/nn/paper_models.py RUN INPUT.npy OUT.npy  runs a NoduleKit run folder (its
      model.json and best.safetensors) on INPUT (N, C, H, W float32) and writes the
      probabilities our `probabilities` gives: sigmoid per pixel for the segmenter (N, 1, H, W),
      softmax over the two classes for a classifier (N, 2)

In Python: `net, kind = load_run("RUN")` builds the network that RUN/model.json describes and
loads RUN/best.safetensors into it with `safetensors.torch.load_file` (strict: a missing or
extra tensor is an error); `probabilities(net, kind, x)` applies the output function.
Tests/Oracles/torch_run.py checks this path against our inference in `make test`.
"""
import json
import os
import sys

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


def encoder_classifier(in_channels=2, size=64, channels=(8, 16, 32), hidden=128):
    """The paper's classifier: per stage a 3x3 conv + ReLU and a 2x2 max pool, dropout 0.5
    before the last pool, then a dense head (hidden units, ReLU, two logits)."""
    layers, cin = [], in_channels
    for i, ch in enumerate(channels):
        layers += [nn.Conv2d(cin, ch, 3, padding=1), nn.ReLU()]
        if i == len(channels) - 1:
            layers.append(nn.Dropout(0.5))
        layers.append(nn.MaxPool2d(2))
        cin = ch
    side = size // 2 ** len(channels)
    return nn.Sequential(*layers, nn.Flatten(), nn.Linear(cin * side * side, hidden), nn.ReLU(),
                         nn.Linear(hidden, 2))


def fully_connected_classifier(in_channels=2, size=64, hidden=(128,)):
    layers, features = [nn.Flatten()], in_channels * size * size
    for h in hidden:
        layers += [nn.Linear(features, h), nn.ReLU()]
        features = h
    layers.append(nn.Linear(features, 2))
    return nn.Sequential(*layers)


def encoder_decoder_classifier(in_channels=2, size=64, base=64, levels=5, hidden=(128,)):
    body, out = unet_body(in_channels, base, levels)
    layers, features = [body, nn.Conv2d(out, 1, 1), nn.ReLU(), nn.Flatten()], size * size
    for h in hidden:
        layers += [nn.Linear(features, h), nn.ReLU()]
        features = h
    layers.append(nn.Linear(features, 2))
    return nn.Sequential(*layers)


def base_channels(width_multiplier):
    """NoduleModels' UNetBuilder.baseChannels: 64 x width, rounded half away from zero, at least 1."""
    scaled = 64 * width_multiplier
    return max(1, int(scaled + 0.5) if scaled >= 0 else -int(-scaled + 0.5))


def build_from_description(description):
    """The network a NoduleKit model.json describes (its decoded JSON), and its kind:
    "segmenter" or "classifier"."""
    if len(description) != 1:
        raise ValueError(f"model.json: expected one model kind, got {sorted(description)}")
    (name, wrapped), = description.items()
    c = wrapped["_0"]
    if name == "unet":
        return unet(c["inputChannels"], base_channels(c["widthMultiplier"]), c["levels"]), "segmenter"
    if name == "encoder":
        return encoder_classifier(c["inputChannels"], c["imageSize"], tuple(c["channels"]), c["hiddenUnits"]), "classifier"
    if name == "fullyConnected":
        return fully_connected_classifier(c["inputChannels"], c["imageSize"], tuple(c["hiddenUnits"])), "classifier"
    if name == "encoderDecoder":
        return encoder_decoder_classifier(c["inputChannels"], c["imageSize"], base_channels(c["widthMultiplier"]),
                                          c["levels"], tuple(c["hiddenUnits"])), "classifier"
    raise ValueError(f"model.json: unknown model kind {name!r}")


def load_run(run, weights="best.safetensors"):
    """A NoduleKit run folder as an eval-mode PyTorch network with its trained weights, and
    its kind ("segmenter" or "classifier")."""
    from safetensors.torch import load_file
    with open(os.path.join(run, "model.json")) as f:
        net, kind = build_from_description(json.load(f))
    net.load_state_dict(load_file(os.path.join(run, weights)), strict=True)
    return net.eval(), kind


def probabilities(net, kind, x):
    """What NoduleKit's `probabilities` returns: a sigmoid per pixel for the segmenter,
    a softmax over the two classes for a classifier."""
    with torch.no_grad():
        logits = net(x)
    return torch.sigmoid(logits) if kind == "segmenter" else torch.softmax(logits, dim=1)


def report(name, net, shape):
    params = sum(p.numel() for p in net.parameters())
    out = net.eval()(torch.zeros(*shape))
    print(f"{name}: input {list(shape)} output {list(out.shape)} parameters {params}")
    for key, value in net.state_dict().items():
        print(f"  {key} {list(value.shape)}")


def run_on_file(run, input_path, output_path):
    import numpy as np
    net, kind = load_run(run)
    x = torch.from_numpy(np.load(input_path).astype(np.float32))
    np.save(output_path, probabilities(net, kind, x).numpy())


if __name__ == "__main__" and len(sys.argv) == 4:
    run_on_file(*sys.argv[1:4])
elif __name__ == "__main__":
    report("unet", unet(1, 64), (1, 1, 64, 64))
    report("unet_width_0.125", unet(1, 8), (1, 1, 64, 64))
    report("encoder_classifier", encoder_classifier(2, 64), (1, 2, 64, 64))
    report("fully_connected_classifier", fully_connected_classifier(2, 64), (1, 2, 64, 64))
    report("encoder_decoder_classifier_width_0.125", encoder_decoder_classifier(2, 64, 8), (1, 2, 64, 64))
