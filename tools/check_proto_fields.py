# Checks that Sources/CONNXProto/onnx.proto declares every message and field of the onnx
# package's own (ONNX-ML) schema with the same field numbers. Exit 1 on any mismatch.
import re, sys, onnx
from onnx import onnx_ml_pb2 as P
# parse our proto: message name -> {field: number}
src = open(__import__("pathlib").Path(__file__).resolve().parent.parent / "Sources/CONNXProto/onnx.proto").read()
ours = {}
stack = []
for line in src.splitlines():
    line = line.split("//")[0].strip()
    m = re.match(r"message (\w+) \{", line)
    if m: stack.append(m.group(1)); ours[".".join(stack)] = {}; continue
    if re.match(r"enum \w+ \{", line): stack.append(None); continue
    if re.match(r"oneof \w+ \{", line): stack.append(""); continue
    if line == "}":
        stack.pop(); continue
    m = re.match(r"(?:optional|repeated)?\s*[\w.]+ (\w+) = (\d+)", line)
    if m and stack and stack[-1] is not None:
        ours[".".join(s for s in stack if s)][m.group(1)] = int(m.group(2))
bad = 0
def walk(desc, prefix=""):
    global bad
    name = prefix + desc.name
    mine = ours.get(name)
    if mine is None: print("missing message", name); bad += 1
    else:
        for f in desc.fields:
            if mine.get(f.name) != f.number: print("field", name, f.name, f.number, mine.get(f.name)); bad += 1
        extra = set(mine) - {f.name for f in desc.fields}
        if extra: print("extra", name, extra); bad += 1
    for n in desc.nested_types: walk(n, name + ".")
for d in P.DESCRIPTOR.message_types_by_name.values(): walk(d)
print("proto field mismatches:", bad)
sys.exit(1 if bad else 0)
