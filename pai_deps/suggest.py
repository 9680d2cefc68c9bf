"""Nearest names for a mistyped one: `Did you mean 'tana-sync'?`."""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Sequence


def nearest(name: str, candidates: Iterable[str], *, limit: int = 3) -> list[str]:
    """The candidates closest to `name`: same letters in another case first, then look-alikes."""
    pool = list(candidates)
    folded = name.casefold()
    same_letters = [c for c in pool if c.casefold() == folded and c != name]
    by_folded: dict[str, list[str]] = {}
    for candidate in pool:
        by_folded.setdefault(candidate.casefold(), []).append(candidate)
    close = difflib.get_close_matches(folded, list(by_folded), n=limit, cutoff=0.7)
    found = same_letters + [c for key in close for c in by_folded[key] if c not in same_letters]
    return [c for c in dict.fromkeys(found) if c != name][:limit]


def did_you_mean(suggestions: Sequence[str]) -> str:
    """` Did you mean 'a'?` / ` Did you mean one of 'a', 'b'?` / `` for none."""
    if not suggestions:
        return ""
    quoted = ", ".join(f"'{s}'" for s in suggestions)
    return (
        f". Did you mean {quoted}?" if len(suggestions) == 1 else f". Did you mean one of {quoted}?"
    )
