#!/usr/bin/env python3
"""Writes the malformed-input corpus, Tests/ONNXProtobufTests/Malformed/*.onnx, plus
MANIFEST.json saying what reading each file must give:

  "malformed"  ONNXProtobufError.malformed      "nesting"  ONNXProtobufError.nestingTooDeep
  "readable"   reads; typed tensor access then throws TensorDataError (the bad part is data)
  "unsupported" ONNXProtobufError.unsupported (valid protobuf we refuse to alter, e.g. NUL in a string)
  "any"        a typed error or a model, never a crash (bit flips may stay valid)

Files are encoded by hand (wire format), not with the protobuf library, so they can be
exactly as broken as wanted. Deterministic: reruns give the same bytes.
Usage: make_malformed_corpus.py [--out DIR]
"""
import argparse
import json
import os
import random
import struct


def varint(n):
    out = bytearray()
    while True:
        b = n & 0x7F
        n >>= 7
        if n:
            out.append(b | 0x80)
        else:
            out.append(b)
            return bytes(out)


def key(field, wire):
    return varint(field << 3 | wire)


def ld(field, payload):  # length-delimited
    return key(field, 2) + varint(len(payload)) + payload


def vi(field, n):
    return key(field, 0) + varint(n)


def s(field, text):
    return ld(field, text.encode())


# ModelProto 1 ir_version, 7 graph, 8 opset_import; GraphProto 1 node, 2 name, 5 initializer,
# 11 input, 12 output; NodeProto 1 input, 2 output, 4 op_type, 5 attribute; AttributeProto
# 1 name, 6 g, 14 tp, 20 type; TensorProto 1 dims, 2 data_type, 4 float_data, 8 name, 9 raw_data;
# TypeProto 1 tensor_type, 4 sequence_type; TypeProto.Sequence 1 elem_type; ValueInfoProto 2 type.
def tensor(name, dims, dtype, raw):
    return b"".join(vi(1, d) for d in dims) + vi(2, dtype) + s(8, name) + ld(9, raw)


def model(graph):
    return vi(1, 8) + ld(8, s(1, "") + vi(2, 17)) + ld(7, graph)


def valid_model():
    w = tensor("W", [2, 2], 1, struct.pack("<4f", 1, 2, 3, 4))
    node = s(1, "x") + s(1, "W") + s(2, "y") + s(4, "MatMul") + s(3, "mm")
    vinfo = lambda n: ld(2, ld(1, vi(1, 1) + ld(2, ld(1, vi(1, 2)) + ld(1, vi(1, 2))))) + s(1, n)
    return model(ld(1, node) + s(2, "g") + ld(5, w) + ld(11, vinfo("x")) + ld(12, vinfo("y")))


def nested_graph(depth):
    """A node whose 'body' attribute holds a graph whose node holds a graph ... `depth` times."""
    inner = s(2, "leaf")
    for _ in range(depth):
        attribute = s(1, "body") + vi(20, 5) + ld(6, inner)
        inner = ld(1, s(4, "If") + ld(5, attribute))
    return model(inner)


def nested_type(depth):
    t = ld(1, vi(1, 1))
    for _ in range(depth):
        t = ld(4, ld(1, t))
    return model(ld(11, s(1, "x") + ld(2, t)))


def cases():
    good = valid_model()
    yield "truncated_half", good[: len(good) // 2], "malformed"
    yield "truncated_last_byte", good[:-1], "malformed"
    yield "graph_as_varint", vi(1, 8) + vi(7, 5), "malformed"
    yield "length_past_end", vi(1, 8) + key(7, 2) + varint(1000) + b"\x12\x01g", "malformed"
    yield "huge_declared_raw_data", model(ld(5, s(8, "W") + key(9, 2) + varint(1 << 62))), "malformed"
    yield "huge_declared_length_top", key(7, 2) + varint((1 << 64) - 1), "malformed"
    yield "varint_eleven_bytes", b"\x08" + b"\xff" * 10 + b"\x01", "malformed"
    yield "wire_type_7", b"\x0f\x00", "malformed"
    yield "group_wire_type", key(7, 3) + key(7, 4), "malformed"
    yield "field_number_zero", b"\x02\x00", "malformed"
    yield "packed_floats_ragged", model(ld(5, s(8, "W") + vi(1, 1) + vi(2, 1) + ld(4, b"\x00\x00\x80"))), "malformed"
    yield "string_wire_type_varint", model(vi(2, 3)), "malformed"
    yield "nul_in_tensor_name", model(ld(5, tensor("W\x00hidden", [1], 1, b"\x00" * 4))), "unsupported"
    yield "nested_graphs_5k", nested_graph(5_000), "nesting"
    yield "nested_graphs_40", nested_graph(40), "nesting"  # 40 x 3 message levels > 100
    yield "nested_sequence_types_10k", nested_type(10_000), "nesting"
    yield "dims_product_overflow", model(ld(5, tensor("W", [1 << 40, 1 << 40, 1 << 40], 1, b"\x00" * 4))), "readable"
    yield "negative_dim", model(ld(5, tensor("W", [(1 << 64) - 3], 1, b"\x00" * 4))), "readable"
    yield "raw_data_size_mismatch", model(ld(5, tensor("W", [10], 1, b"\x00" * 8))), "readable"
    yield "raw_data_large_mismatch", model(ld(5, tensor("W", [3], 1, b"\x01" * 70000))), "readable"
    yield "unknown_data_type", model(ld(5, tensor("W", [2], 999, b"\x00" * 8))), "readable"
    rng = random.Random(20261129)
    for n in range(12):
        flipped = bytearray(good)
        for _ in range(1 + n % 3):
            bit = rng.randrange(len(flipped) * 8)
            flipped[bit // 8] ^= 1 << (bit % 8)
        yield f"bit_flip_{n:02d}", bytes(flipped), "any"
    for n in range(6):
        junk = bytes(rng.randrange(256) for _ in range(64 + 64 * n))
        yield f"random_bytes_{n}", junk, "any"


def main():
    parser = argparse.ArgumentParser()
    here = os.path.dirname(os.path.abspath(__file__))
    parser.add_argument("--out", default=os.path.join(here, "..", "Tests", "ONNXProtobufTests", "Malformed"))
    args = parser.parse_args()
    os.makedirs(args.out, exist_ok=True)
    manifest = {}
    for name, data, expect in cases():
        with open(os.path.join(args.out, name + ".onnx"), "wb") as f:
            f.write(data)
        manifest[name + ".onnx"] = expect
    with open(os.path.join(args.out, "MANIFEST.json"), "w") as f:
        json.dump(manifest, f, indent=1, sort_keys=True)
        f.write("\n")
    print(f"wrote {len(manifest)} files to {args.out}")


if __name__ == "__main__":
    main()
