"""Version constraints as manifests write them: PEP 440 specifiers (`>=1.2,<2`, `~=1.4`),
npm's caret and tilde (`^1.2`, `~1.4.2`), wildcards (`1.2.x`, `1.*`, `*`), a bare version
(`1.2.3`: exactly it), comparators separated by spaces or commas (all must hold) and `||`
between alternatives (one must). Caret and tilde are translated to PEP 440 ranges and
everything is then decided by `packaging`; a provider's pre-release version is compared
as it is (`2.0.0rc1` satisfies `>=1.2`)."""

from __future__ import annotations

import re

from packaging.specifiers import InvalidSpecifier, SpecifierSet
from packaging.version import InvalidVersion, Version

_NUMBERS = re.compile(r"^v?(\d+)(?:\.(\d+))?(?:\.(\d+))?$")
_OPERATOR_SPACE = re.compile(r"(===|>=|<=|==|!=|~=|>|<|=|\^|~)\s+")
_WILDCARD = re.compile(r"^v?(\d+(?:\.\d+)*)\.[x*X]$")
_ANY = {"", "*", "x", "X", "latest"}


class ConstraintError(ValueError):
    """A constraint or version this module cannot read; the message says which."""


def _parts(text: str, constraint: str) -> list[int]:
    match = _NUMBERS.match(text)
    if match is None:
        raise ConstraintError(f"cannot read the version in '{constraint}'")
    return [int(g) for g in match.groups() if g is not None]


def _dotted(parts: list[int]) -> str:
    return ".".join(map(str, parts))


def caret(text: str) -> str:
    """`^1.2.3` -> `>=1.2.3,<2`: anything that keeps the left-most non-zero number.

    npm's rule: `^0.2.3` -> `<0.3`, `^0.0.3` -> `<0.0.4`; missing numbers are free
    (`^0.0` -> `<0.1`, `^0` -> `<1`).
    """
    parts = _parts(text, "^" + text)
    # All zeros: the last number given may not grow (^0.0.0 -> <0.0.1, ^0 -> <1).
    keep = next((i for i, n in enumerate(parts) if n != 0), len(parts) - 1)
    upper = parts[: keep + 1]
    upper[-1] += 1
    return f">={_dotted(parts)},<{_dotted(upper)}"


def tilde(text: str) -> str:
    """`~1.2.3` -> `>=1.2.3,<1.3`, `~1.2` -> `<1.3`, `~1` -> `<2`: patch (or minor) changes."""
    parts = _parts(text, "~" + text)
    upper = parts[:2] if len(parts) >= 2 else parts[:1]
    upper[-1] += 1
    return f">={_dotted(parts)},<{_dotted(upper)}"


def _comparator(token: str) -> str:
    """One comparator as a PEP 440 specifier."""
    if token.startswith("^"):
        return caret(token[1:])
    if token.startswith("~") and not token.startswith("~="):
        return tilde(token[1:])
    wildcard = _WILDCARD.match(token)
    if wildcard is not None:
        return f"=={wildcard.group(1)}.*"
    if token.startswith("=") and not token.startswith("=="):
        token = token[1:]
    if token[:1].isdigit() or token[:1] == "v":
        return f"=={token.removeprefix('v')}"
    return token


def to_specifiers(constraint: str) -> list[SpecifierSet]:
    """The alternatives of a constraint, each a PEP 440 specifier set (empty: any version)."""
    alternatives = []
    for alternative in constraint.split("||"):
        text = _OPERATOR_SPACE.sub(r"\1", alternative.strip())
        tokens = [t for t in re.split(r"[\s,]+", text) if t]
        if not tokens or all(t in _ANY for t in tokens):
            alternatives.append(SpecifierSet())
            continue
        try:
            alternatives.append(SpecifierSet(",".join(_comparator(t) for t in tokens)))
        except InvalidSpecifier:
            raise ConstraintError(f"cannot read the version constraint '{constraint}'") from None
    return alternatives


def satisfies(version: str, constraint: str) -> bool:
    """Whether `version` meets `constraint` (`ConstraintError` when either is unreadable)."""
    try:
        parsed = Version(version)
    except InvalidVersion:
        raise ConstraintError(f"cannot read the version '{version}'") from None
    return any(spec.contains(parsed, prereleases=True) for spec in to_specifiers(constraint))
