"""Strongly connected components (iterative Tarjan) and what follows from them: the
edges that lie on a cycle and every node's transitive closure as a bitmask."""

from __future__ import annotations

from pai_deps.graph.digraph import Adjacency, Graph


def component_numbers(succ: Adjacency) -> list[int]:
    """Component number per node (iterative Tarjan). Numbers are a reverse topological
    order of the condensation: every edge goes to an equal or smaller component number."""
    n = len(succ)
    index = [-1] * n
    low = [0] * n
    on_stack = bytearray(n)
    comp = [-1] * n
    stack: list[int] = []
    counter = 0
    components = 0
    for root in range(n):
        if index[root] != -1:
            continue
        index[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on_stack[root] = 1
        work: list[list[int]] = [[root, 0]]
        while work:
            frame = work[-1]
            v, i = frame
            neighbours = succ[v]
            if i < len(neighbours):
                frame[1] = i + 1
                w = neighbours[i]
                if index[w] == -1:
                    index[w] = low[w] = counter
                    counter += 1
                    stack.append(w)
                    on_stack[w] = 1
                    work.append([w, 0])
                elif on_stack[w] and index[w] < low[v]:
                    low[v] = index[w]
                continue
            work.pop()
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[v])
            if low[v] == index[v]:
                while True:
                    w = stack.pop()
                    on_stack[w] = 0
                    comp[w] = components
                    if w == v:
                        break
                components += 1
    return comp


def strongly_connected_components(graph: Graph) -> list[list[str]]:
    """All SCCs, singletons included; each sorted, the list sorted by first member."""
    comp = graph.components()
    groups: dict[int, list[str]] = {}
    for i, c in enumerate(comp):
        groups.setdefault(c, []).append(graph.ids[i])  # ids ascend, so groups are sorted
    return sorted(groups.values())


def cycle_edges(graph: Graph) -> set[tuple[str, str]]:
    """Every edge that lies on some cycle: both ends in one SCC (self-loops included).

    An edge u -> v is on a cycle exactly when v reaches u, i.e. when they share an SCC.
    """
    comp = graph.components()
    ids = graph.ids
    return {(ids[u], ids[v]) for u, adj in enumerate(graph.succ) for v in adj if comp[u] == comp[v]}


def closure_masks(graph: Graph, *, reverse: bool = False) -> list[int]:
    """Per node (in `graph.nodes` order) the set of nodes it reaches, as a bitmask; itself
    excluded even on a cycle.

    One pass over the condensation: Tarjan numbers components so that every edge goes to
    an equal or smaller number, so a component's closure is the union of the closures of
    the components it points to. Python ints make the unions cheap: 5,000 tools cost a
    few milliseconds, where a walk per tool would cost O(V x (V + E)).
    """
    adjacency = graph.pred if reverse else graph.succ
    comp = component_numbers(adjacency) if reverse else graph.components()
    count = max(comp, default=-1) + 1
    # Per component: what entering it reaches, itself included (its members and the
    # closures below it); a node reaches that minus itself: on a cycle it reaches its
    # whole component, otherwise only what is below. One big int per component.
    closed = [0] * count
    by_comp: list[list[int]] = [[] for _ in range(count)]
    for node, c in enumerate(comp):
        closed[c] |= 1 << node
        by_comp[c].append(node)
    for c in range(count):  # successors' components have smaller numbers: already done
        union = closed[c]
        for u in by_comp[c]:
            for v in adjacency[u]:
                cv = comp[v]
                if cv != c:
                    union |= closed[cv]
        closed[c] = union
    masks = [closed[c] & ~(1 << node) for node, c in enumerate(comp)]
    return masks
