"""The interactive HTML page: one self-contained file, offline, from an `Explorer` document.

The page inlines everything it runs: the vendored graph library (`render/vendor/`,
cytoscape.js with the dagre layout, refreshed by `scripts/update-vendor`), its own script
and style (`render/explorer/`), and the data as JSON in a non-executing `<script>` block.
Its Content-Security-Policy allows only those scripts (by hash) and no connection at all,
so the page cannot fetch anything, and data can never become markup: the JSON is escaped
so that no `</script>`, `<!--` or line separator ends or bends the block, and the page's
script writes tool names only as text.
"""

from __future__ import annotations

import base64
import hashlib
import html
import json
from functools import cache
from importlib.resources import files
from typing import Any

from pai_deps.render.dot import FILL, STUB_FILL
from pai_deps.results.explorer import Explorer

# Up to this many tools dagre lays the graph out; above, the page's own layered layout,
# since dagre's time grows far faster than the graph (docs/benchmarks.md: 1.3 s at 300
# tools, 4.4 s at 500, 25 s at 700).
DAGRE_MAX = 300
# Above this many tools edges are drawn straight without arrows, hidden while panning.
FAST_MIN = 2000

VENDOR_SCRIPTS = ("cytoscape.min.js", "cytoscape-dagre.min.js")

# In JSON text these may appear inside strings; in HTML they could end the <script>
# element (`</`), open a comment state (`<!--`), or, before ES2019, end a JS line.
_JSON_ESCAPES = str.maketrans(
    {"<": "\\u003c", ">": "\\u003e", "&": "\\u0026", "\u2028": "\\u2028", "\u2029": "\\u2029"}
)


def script_json(value: Any) -> str:
    """`value` as JSON that is safe verbatim inside a `<script>` element."""
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    return text.translate(_JSON_ESCAPES)


@cache
def _asset(folder: str, name: str) -> str:
    return files("pai_deps.render").joinpath(folder, name).read_text(encoding="utf-8")


def _sha256(script: str) -> str:
    digest = hashlib.sha256(script.encode("utf-8")).digest()
    return "'sha256-" + base64.b64encode(digest).decode("ascii") + "'"


def render_html(doc: Explorer, *, dagre_max: int = DAGRE_MAX, fast_min: int = FAST_MIN) -> str:
    """The whole page."""
    scripts = [_asset("vendor", name) for name in VENDOR_SCRIPTS]
    scripts.append(_asset("explorer", "page.js"))
    for script in scripts:
        if "</script" in script.lower():  # an inlined script must not end its element
            raise ValueError("a script to inline contains '</script'")
    csp = (
        "default-src 'none'; "
        f"script-src {' '.join(_sha256(s) for s in scripts)}; "
        "style-src 'unsafe-inline'; img-src data: blob:; base-uri 'none'; form-action 'none'"
    )
    config = {"dagreMax": dagre_max, "fastMin": fast_min, "fill": FILL, "stubFill": STUB_FILL}
    parts = {
        "@CSP@": html.escape(csp, quote=False),  # single quotes are fine in "..."
        "@TITLE@": html.escape(doc.title),
        "@STYLE@": _asset("explorer", "page.css"),
        "@DATA@": script_json(doc.document()),
        "@CONFIG@": script_json(config),
        "@SCRIPTS@": "\n".join(f"<script>{s}</script>" for s in scripts),
    }
    page = _asset("explorer", "page.html")
    # One pass, in page order, so a replacement's text is never searched again.
    out: list[str] = []
    rest = page
    for marker in ("@CSP@", "@TITLE@", "@STYLE@", "@DATA@", "@CONFIG@", "@SCRIPTS@"):
        before, _, rest = rest.partition(marker)
        out += [before, parts[marker]]
    out.append(rest)
    return "".join(out)
