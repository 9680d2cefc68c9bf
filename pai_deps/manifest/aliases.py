"""How big a composed YAML document becomes once aliases and merge keys are expanded.

A YAML file under a kilobyte can describe billions of values: each alias repeats a whole
subtree, and each merge key (`<<: [*a, *a]`) copies a mapping's pairs into another, so
24 nested levels double 2^24 times. ruamel's constructor would do that copying before
anything else could look, so the size is computed here on the node graph, first, and
without expanding anything: each node's expanded size is computed once (memoised by
identity), iteratively (no recursion limit), and the walk stops at the first node over
the limit.
"""

from __future__ import annotations

from ruamel.yaml.nodes import MappingNode, Node, SequenceNode

__all__ = ["expanded_size_exceeds"]

_MERGE_TAG = "tag:yaml.org,2002:merge"


def _is_merge_key(node: Node) -> bool:
    return bool(node.tag == _MERGE_TAG)


def _parts(node: Node) -> tuple[list[Node], list[Node]]:
    """(children counted whole, mappings whose pairs a merge key copies into `node`)."""
    if isinstance(node, SequenceNode):
        return list(node.value), []
    if not isinstance(node, MappingNode):
        return [], []
    whole: list[Node] = []
    merged: list[Node] = []
    for key, value in node.value:
        if not _is_merge_key(key):
            whole.extend((key, value))
        elif isinstance(value, SequenceNode):
            merged.extend(value.value)
        else:
            merged.append(value)
    return whole, merged


def expanded_size_exceeds(root: Node, limit: int) -> bool:
    """True if the document would hold more than `limit` values once fully expanded.

    A mapping counts 1 plus its own keys and values plus the pairs every merged mapping
    brings (its expanded size less the mapping itself). A node that contains itself
    (a recursive alias) counts once at the point of recursion.
    """
    sizes: dict[int, int] = {}
    stack: list[tuple[Node, bool]] = [(root, False)]
    while stack:
        node, children_done = stack.pop()
        key = id(node)
        whole, merged = _parts(node)
        if children_done:
            total = 1 + sum(sizes[id(child)] for child in whole)
            total += sum(max(sizes[id(child)] - 1, 0) for child in merged)
            if total > limit:
                return True
            sizes[key] = total
            continue
        if key in sizes:
            continue
        sizes[key] = 1  # in progress: a cycle back to this node counts once
        stack.append((node, True))
        stack.extend((child, False) for child in (*whole, *merged) if id(child) not in sizes)
    return False
