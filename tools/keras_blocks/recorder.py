"""Collects the block list of one model while it is built, in the GUIDE §3 vocabulary."""

LEADING_KEYS = ("family", "kind", "variant", "name")


def ordered(value):
    """Key order of `JSONValue.pretty()`: family, kind, variant, name, then the rest sorted."""
    if isinstance(value, dict):
        keys = [k for k in LEADING_KEYS if k in value] + sorted(k for k in value if k not in LEADING_KEYS)
        return {k: ordered(value[k]) for k in keys}
    if isinstance(value, list):
        return [ordered(v) for v in value]
    return value


class Recorder:
    """Block entries in build order (a topological order of the blocks)."""

    def __init__(self, family, conv_bias=True):
        self.family = family
        self.blocks = []
        # Whether conv biases get random values (weights.randomize_constants): decides what
        # tf2onnx can fold, e.g. an Inception-ResNet residual scale (see residual_block).
        self.conv_bias = conv_bias

    def add(self, kind, variant, name, **fields):
        entry = {"kind": kind, "variant": variant, "name": name}
        entry.update(fields)
        self.blocks.append(entry)
        return entry

    def document(self, node_count):
        """The `expected_blocks.json` document.

        Every fixture is built only from vocabulary blocks (stem and head included), so every
        ONNX node belongs to a block: `unassigned` is empty and `assigned == nodes`. The node
        count is the one number taken from the exported file.
        """
        return ordered({
            "family": self.family,
            "blocks": self.blocks,
            "unassigned": [],
            "coverage": {"nodes": node_count, "assigned": node_count},
        })
