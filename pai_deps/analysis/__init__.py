"""The figures behind the query and report commands, and the services that answer them.

Each module pairs a pure function over rows and a `Graph` (testable on hand-built inputs:
`blast_radius`, `assess_health`, `debt_report`, ...) with the service a command calls,
which reads those rows from the registry and returns the command's document
(`pai_deps.results`). Path search, SCCs and the reliability primitives live in
`pai_deps.graph`; these modules combine them.

    registry_graph  the registry as a graph; the shared transitive walk
    neighbours      deps, rdeps, affected
    routes          path, allpaths
    chains          chain-reliability (compound and weakest path)
    blast           blast-radius
    debt            debt (weighted by fan-in)
    health          health (OK / WARNING / CRITICAL)
    picture         graph (the subgraph every picture format draws)
    report          report (the Markdown health report)
    rules           the reference's thresholds and rounding

The package imports none of them, so a command loads only the modules it uses (`show`
reads evidence without loading the graph walk).
"""

from __future__ import annotations
