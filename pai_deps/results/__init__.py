"""The documents pai-deps prints under `--json`, as pydantic models.

Every `--json` document is an `Envelope` subclass returned by a service and printed by
the CLI edge (`Printer.json`); its JSON Schema is what `pai-deps schema --output COMMAND`
prints and what `docs/json/` holds. One base class (`CamelModel`) gives every document,
every nested part and every registry row its camelCase keys.
"""
