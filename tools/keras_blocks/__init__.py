"""Keras builders for ResNet / Inception blocks that record each block as they build it.

Every builder takes a `Recorder` and appends one vocabulary entry (GUIDE §3) per block it
creates, so the ground truth in `expected_blocks.json` comes from the Keras construction,
never from reading the exported ONNX. Layer names mirror keras.applications.
"""
