#!/usr/bin/env python3
"""Oracle for NoduleKit's ONNX export: the ONNX checker validates MODEL (full check, with
shape inference), onnxruntime runs it on INPUT.npy, and the result is compared with OURS.npy
(NoduleKit's own inference on the same input).

Usage: onnx_run.py MODEL.onnx INPUT.npy OURS.npy
Prints JSON: opset, ir_version, input/output names and shapes (symbolic dims as strings),
operator types, metadata, output shape, max_abs_diff, output mean and spread (max − min).
"""
import json
import sys

import numpy as np
import onnx
import onnxruntime as ort
from output_comparison import comparison


def dims(value_info):
    out = []
    for d in value_info.type.tensor_type.shape.dim:
        out.append(d.dim_param if d.dim_param else d.dim_value)
    return out


def main():
    model_path, input_path, ours_path = sys.argv[1:4]
    model = onnx.load(model_path)
    onnx.checker.check_model(model, full_check=True)
    x = np.load(input_path).astype(np.float32)
    ours = np.load(ours_path).astype(np.float32)
    session = ort.InferenceSession(model_path, providers=["CPUExecutionProvider"])
    name = session.get_inputs()[0].name
    (theirs,) = session.run(None, {name: x})
    print(json.dumps({
        "opset": [o.version for o in model.opset_import if o.domain in ("", "ai.onnx")][0],
        "ir_version": model.ir_version,
        "inputs": [{"name": i.name, "shape": dims(i)} for i in model.graph.input],
        "outputs": [{"name": o.name, "shape": dims(o)} for o in model.graph.output],
        "operators": sorted({n.op_type for n in model.graph.node}),
        "metadata": {p.key: p.value for p in model.metadata_props},
        **comparison(theirs, ours),
    }))


if __name__ == "__main__":
    main()
