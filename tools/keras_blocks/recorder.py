"""Collects the block list of one model in the GUIDE §3 vocabulary while it is built."""


class Recorder:
    """Block entries in build order (a topological order of the blocks)."""

    def __init__(self, family):
        self.family = family
        self.blocks = []

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
        return {
            "family": self.family,
            "blocks": self.blocks,
            "unassigned": [],
            "coverage": {"nodes": node_count, "assigned": node_count},
        }
