#!/usr/bin/env python3
"""Exports torchvision classifiers (random weights, eval mode) to ONNX with torch.onnx.export,
one folder per model and opset: OUT/tv_<name>_op<opset>/model.onnx. Skips models already
exported. Not a test; needs a venv with torch, torchvision and onnx (`pip install torch torchvision onnx`).

  export_torchvision.py --out DIR [--opset 17 18] [--models mobilenet_v2 resnext50_32x4d ...]
"""
import argparse
import os
import sys
import traceback

import torch
import torchvision

# torchvision.models name -> input side (Inception-V3 wants 299).
SIDE = {"inception_v3": 299}
# The representative subset first; --models all takes every variant of the CNN families issue 12
# lists (torchvision.models, not the transformers: ViT, Swin, MaxViT), less regnet_y_128gf whose
# 2.6 GB of weights pass protobuf's 2 GB limit; 'all' also accepts a family prefix filter via
# --models all:resnet (every name starting with "resnet").
SUBSET = ["mobilenet_v2", "resnext50_32x4d", "convnext_tiny", "efficientnet_b0", "densenet121", "googlenet",
          "squeezenet1_0", "shufflenet_v2_x1_0", "mobilenet_v3_large"]
FAMILIES = ("alexnet", "vgg", "googlenet", "inception_v3", "resnet", "resnext", "wide_resnet", "mobilenet_v2",
            "mobilenet_v3", "efficientnet", "regnet", "convnext", "densenet", "shufflenet", "squeezenet", "mnasnet")
TOO_BIG = {"regnet_y_128gf"}


def every_cnn(prefix=""):
    """Every torchvision classifier of the listed families (sorted), optionally only names starting with prefix."""
    names = torchvision.models.list_models(module=torchvision.models)
    return [n for n in names if n.startswith(FAMILIES) and n not in TOO_BIG and n.startswith(prefix)]


def calibrate_batchnorm(model, side):
    """--calibrate-bn: BN running statistics measured on a batch of random inputs (one
    train-mode pass with cumulative averages), so each BN normalizes what reaches it and the
    logits stay near unit scale (random statistics grow deep ResNets' and Inception-V3's logits
    to 1e6..1e12). Not the default: channels whose spread is tiny next to their mean then
    amplify float32 rounding, and onnxruntime itself lands 2.5e-5 (ResNet-50) and 2.1e-4
    (Inception-V3) from a float64 torch run, beyond the 1e-5 relative rule."""
    layers = [m for m in model.modules() if isinstance(m, torch.nn.BatchNorm2d)]
    for m in layers:
        m.reset_running_stats()
        m.momentum = None
    model.train()
    with torch.no_grad():
        model(torch.randn(4, 3, side, side))
    for m in layers:
        m.momentum = 0.1
    model.eval()


def export(name, opset, out, calibrate=False):
    folder = os.path.join(out, f"tv_{name}_op{opset}" + ("_calibrated" if calibrate else ""))
    path = os.path.join(folder, "model.onnx")
    if os.path.exists(path):
        return "cached"
    os.makedirs(folder, exist_ok=True)
    torch.manual_seed(0)
    kwargs = {"aux_logits": False, "init_weights": True} if name in ("googlenet", "inception_v3") else {}
    model = torchvision.models.get_model(name, weights=None, **kwargs).eval()
    side = SIDE.get(name, 224)
    if calibrate:
        calibrate_batchnorm(model, side)
    else:
        # Random BN statistics: the defaults (0, 1) hide folding mistakes.
        with torch.no_grad():
            for m in model.modules():
                if isinstance(m, torch.nn.BatchNorm2d):
                    m.running_mean.uniform_(-0.2, 0.2)
                    m.running_var.uniform_(0.5, 1.5)
    x = torch.randn(1, 3, side, side)
    tmp = path + ".tmp"
    torch.onnx.export(model, (x,), tmp, opset_version=opset, input_names=["input"], output_names=["logits"], dynamo=False)
    os.replace(tmp, path)
    return "exported"


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--out", required=True)
    p.add_argument("--opset", type=int, nargs="+", default=[17])
    p.add_argument("--models", nargs="+", default=SUBSET, help="names, 'all' (every CNN classifier of the listed families) or 'all:PREFIX'")
    p.add_argument("--calibrate-bn", action="store_true", help="BN statistics from a random batch (folders *_calibrated)")
    args = p.parse_args()
    torch.set_num_threads(1)
    names = []
    for name in args.models:
        names += every_cnn(name[4:]) if name == "all" or name.startswith("all:") else [name]
    failed = 0
    for name in names:
        for opset in args.opset:
            try:
                print(f"tv_{name}_op{opset}: {export(name, opset, args.out, args.calibrate_bn)}", flush=True)
            except Exception as error:  # report and go on with the next model
                failed += 1
                print(f"tv_{name}_op{opset}: EXPORT FAILED {type(error).__name__}: {str(error)[:200]}", flush=True)
                traceback.print_exc(limit=2, file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
