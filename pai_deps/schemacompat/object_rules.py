"""How object facets are compared: properties one name at a time, required names,
`additionalProperties`, patterns, property names, counts and dependencies.

A property's value schema is what applies to it on each side: its own schema when the
object names it, `additionalProperties` when not (patterns make that undecidable here,
so names beside `patternProperties` are judged "cannot prove compatible").
"""

from __future__ import annotations

from pai_deps.schemacompat.document import shown
from pai_deps.schemacompat.effects import (
    DECLARE,
    NARROW,
    NOTE,
    UNKNOWN,
    WIDEN,
    Context,
    Rules,
    join,
    raw,
)
from pai_deps.schemacompat.ir import ObjectFacet


class ObjectRules(Rules):
    def object(self, old: ObjectFacet, new: ObjectFacet, pointer: str, ctx: Context) -> None:
        patterned = bool(old.patterns or new.patterns)
        names = old.properties.keys() | new.properties.keys() | old.required | new.required
        for name in sorted(names):
            self._property(old, new, name, join(pointer, "properties", name), ctx, patterned)
        self.node(old.additional, new.additional, join(pointer, "additionalProperties"), ctx)
        for pattern in sorted(old.patterns.keys() | new.patterns.keys()):
            at = join(pointer, "patternProperties", pattern)
            if pattern in old.patterns and pattern in new.patterns:
                self.node(old.patterns[pattern], new.patterns[pattern], at, ctx)
            else:
                verb = "added" if pattern in new.patterns else "removed"
                self.emit(
                    ctx,
                    at,
                    "keyword-changed",
                    frozenset({UNKNOWN}),
                    f"patternProperties {shown(pattern)} {verb}",
                )
        self.node(old.names, new.names, join(pointer, "propertyNames"), ctx)
        self.count(
            old.min_properties or None,
            new.min_properties or None,
            "minProperties",
            pointer,
            ctx,
            lower=True,
        )
        self.count(
            old.max_properties, new.max_properties, "maxProperties", pointer, ctx, lower=False
        )
        self._dependencies(old, new, pointer, ctx)

    def _property(
        self, old: ObjectFacet, new: ObjectFacet, name: str, at: str, ctx: Context, patterned: bool
    ) -> None:
        was, now = old.declared(name), new.declared(name)
        was_required, now_required = name in old.required, name in new.required
        label = shown(name)
        if was and now:
            if was_required != now_required:
                kind = "required-added" if now_required else "required-removed"
                effect = NARROW if now_required else WIDEN
                verb = "is now required" if now_required else "is no longer required"
                self.emit(ctx, at, kind, frozenset({effect}), f"property {label} {verb}")
            self.node(old.schema_for(name), new.schema_for(name), at, ctx)
            return
        if patterned:  # which pattern applies to the name decides: not judged here
            verb = "added" if now else "removed"
            self.emit(
                ctx,
                at,
                f"property-{verb}",
                frozenset({UNKNOWN}),
                f"property {label} {verb} where patternProperties apply",
            )
            return
        if now:  # newly named
            before = old.additional
            schema = new.schema_for(name)
            if before is None:
                if now_required:
                    self.emit(
                        ctx,
                        at,
                        "required-property-added",
                        frozenset({NARROW}),
                        f"required property {label} added",
                        None,
                        raw(schema),
                    )
                else:
                    self.emit(
                        ctx,
                        at,
                        "property-added",
                        frozenset({DECLARE}),
                        f"optional property {label} added",
                        None,
                        raw(schema),
                    )
                return
            if before.is_bottom:
                effects = {WIDEN} if schema is None or not schema.is_bottom else set()
                if now_required:
                    effects.add(NARROW)
                self.emit(
                    ctx,
                    at,
                    "property-added",
                    frozenset(effects or {WIDEN}),
                    f"property {label} added to a closed object",
                    None,
                    raw(schema),
                )
                return
            if now_required:
                self.emit(
                    ctx,
                    at,
                    "required-added",
                    frozenset({NARROW}),
                    f"property {label} is now required",
                )
            self.node(before, schema, at, ctx)  # was governed by additionalProperties
            return
        # no longer named: additionalProperties governs it now
        after = new.additional
        effects = {WIDEN} if was_required else set()
        if after is not None and after.is_bottom:
            effects.add(NARROW)
            what = "removed; additionalProperties: false rejects it now"
        elif after is None:
            effects.add(WIDEN)  # any value is accepted (or may be produced) for it now
            what = "removed"
        else:
            what = "removed; additionalProperties applies to it now"
            self.node(old.schema_for(name), after, at, ctx)
            effects = effects or {NOTE}
        prefix = "required property" if was_required else "property"
        self.emit(
            ctx,
            at,
            "property-removed",
            frozenset(effects),
            f"{prefix} {label} {what}",
            raw(old.schema_for(name)),
            None,
        )

    def _dependencies(self, old: ObjectFacet, new: ObjectFacet, pointer: str, ctx: Context) -> None:
        for name in sorted(old.dependent_required.keys() | new.dependent_required.keys()):
            before = old.dependent_required.get(name, frozenset())
            after = new.dependent_required.get(name, frozenset())
            if before == after:
                continue
            effects: set[str] = set()
            if after - before:
                effects.add(NARROW)
            if before - after:
                effects.add(WIDEN)
            kind = (
                "constraint-changed"
                if len(effects) == 2
                else ("constraint-tightened" if NARROW in effects else "constraint-loosened")
            )
            self.emit(
                ctx,
                join(pointer, "dependentRequired", name),
                kind,
                frozenset(effects),
                f"with {shown(name)} present, required {sorted(before)} -> {sorted(after)}",
                sorted(before),
                sorted(after),
            )
        for name in sorted(old.dependent_schemas.keys() | new.dependent_schemas.keys()):
            at = join(pointer, "dependentSchemas", name)
            if name in old.dependent_schemas and name in new.dependent_schemas:
                self.node(old.dependent_schemas[name], new.dependent_schemas[name], at, ctx)
            elif name in new.dependent_schemas:
                self.emit(
                    ctx,
                    at,
                    "constraint-tightened",
                    frozenset({NARROW}),
                    f"schema for objects with {shown(name)} added",
                )
            else:
                self.emit(
                    ctx,
                    at,
                    "constraint-loosened",
                    frozenset({WIDEN}),
                    f"schema for objects with {shown(name)} removed",
                )
