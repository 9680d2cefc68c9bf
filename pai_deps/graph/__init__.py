"""Graph algorithms that SQL expresses badly: path enumeration, SCCs, cycles, reliability.

Transitive closures live in recursive CTEs; this package works on an in-memory adjacency
list read by one query (rows of ``(consumer_id, provider_id)``: the consumer depends on
the provider, so a forward edge points consumer -> provider).

Every function is deterministic (ties go to the smaller id, comparing ids as Python
strings, i.e. by code point), iterative (a 10,000-node chain needs no recursion) and
bounded where the problem is exponential. Internally nodes are numbered in sorted id
order, so comparing index tuples is the same as comparing id tuples.

    digraph      the `Graph` type and its numbered view
    walks        reachability by minimum depth, one shortest path
    components   SCCs, cycle edges, transitive closures as bitmasks
    paths        the N shortest simple paths, bounded
    cycles       elementary cycles through a node
    reliability  compound reliability and the weakest path
"""

from __future__ import annotations

from pai_deps.graph.components import closure_masks, cycle_edges, strongly_connected_components
from pai_deps.graph.cycles import (
    CycleSearch,
    canonical_cycle,
    cycles_through,
    search_cycles_through,
)
from pai_deps.graph.digraph import Graph
from pai_deps.graph.paths import PathSearch, StopReason, k_shortest_paths
from pai_deps.graph.reliability import (
    WeakestPath,
    WeakestPathSolver,
    compound_reliability,
    weakest_path,
    weakest_paths,
)
from pai_deps.graph.walks import Reach, reachable, shortest_path

__all__ = [
    "CycleSearch",
    "Graph",
    "PathSearch",
    "Reach",
    "StopReason",
    "WeakestPath",
    "WeakestPathSolver",
    "canonical_cycle",
    "closure_masks",
    "compound_reliability",
    "cycle_edges",
    "cycles_through",
    "k_shortest_paths",
    "reachable",
    "search_cycles_through",
    "shortest_path",
    "strongly_connected_components",
    "weakest_path",
    "weakest_paths",
]
