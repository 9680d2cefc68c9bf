"""Which document each command prints under `--json`, and that document's JSON Schema.

`OUTPUTS` maps a command as typed (`list`, `ci affected`) to its result model, named as
`module:Class` so that looking one up imports only that module. `pai-deps schema --output
COMMAND` prints one schema; `python -m pai_deps.results` writes them all to `docs/json/`
(and `--check` fails when one is stale, which CI runs).
"""

from __future__ import annotations

import importlib
import json
from typing import Any

from pai_deps.errors import UsageError
from pai_deps.results.base import CamelModel

OUTPUTS: dict[str, str] = {
    "error": "pai_deps.results.base:ErrorDocument",
    "list": "pai_deps.results.registry:ToolList",
    "show": "pai_deps.results.registry:ToolDetails",
    "register": "pai_deps.results.registration:Registration",
    "unregister": "pai_deps.results.registration:Unregistered",
    "stubs prune": "pai_deps.results.registration:PrunedStubs",
    "cycles": "pai_deps.results.cycles:CycleList",
    "cycles resolve": "pai_deps.results.cycles:CycleResolved",
    "schema": "pai_deps.results.schema:SchemaDocument",
    # the registry database itself
    "db path": "pai_deps.results.db:DbPath",
    "db status": "pai_deps.results.db:DbStatus",
    "db check": "pai_deps.results.db:DbCheck",
    "db migrate": "pai_deps.results.db:DbMigrated",
    "db backup": "pai_deps.results.db:DbBackup",
    "db copy": "pai_deps.results.db:DbCopied",
    # setup commands
    "init": "pai_deps.results.setup:InitResult",
    "discover": "pai_deps.results.setup:Discovered",
    "sync": "pai_deps.results.setup:Synced",
    # query commands
    "deps": "pai_deps.results.neighbours:Dependencies",
    "rdeps": "pai_deps.results.neighbours:Dependents",
    "affected": "pai_deps.results.neighbours:Affected",
    "path": "pai_deps.results.routes:Route",
    "allpaths": "pai_deps.results.routes:Routes",
    "chain-reliability": "pai_deps.results.chains:ChainReliability",
    "blast-radius": "pai_deps.results.blast:BlastRadius",
    "consumers": "pai_deps.results.consumers:Consumers",
    "check": "pai_deps.results.check:CheckReport",
    "can-i-ship": "pai_deps.results.ship:ShipDecision",
    # report commands
    "debt": "pai_deps.results.report:Debt",
    "health": "pai_deps.results.report:Health",
    "report": "pai_deps.results.report:Report",
    "graph": "pai_deps.results.report:Picture",
    # planning context
    "speckit context": "pai_deps.results.speckit:PlanningContext",
    "speckit failures": "pai_deps.results.speckit:FailureModes",
    "ping": "pai_deps.results.meta:Pong",
    # contracts
    "verify": "pai_deps.results.verify:VerifyDocument",
    "drift": "pai_deps.results.drift:DriftDocument",
    "verify-output": "pai_deps.results.verify:ConformanceDocument",
    "verify-history": "pai_deps.results.verify:ToolHistoryDocument",
    "verify-history --contract": "pai_deps.results.verify:ContractHistoryDocument",
    "ci affected": "pai_deps.results.ci:AffectedDocument",
    "ci check": "pai_deps.results.ci:CheckDocument",
    "hook install": "pai_deps.results.hooks:HookInstallDocument",
    "hook uninstall": "pai_deps.results.hooks:HookUninstallDocument",
    "hook status": "pai_deps.results.hooks:HookStatusDocument",
}

SCHEMA_DRAFT = "https://json-schema.org/draft/2020-12/schema"


def output_model(command: str) -> type[CamelModel]:
    try:
        target = OUTPUTS[command]
    except KeyError:
        from pai_deps.suggest import nearest

        close = nearest(command, OUTPUTS)
        hint = f"; did you mean {' or '.join(repr(c) for c in close)}?" if close else ""
        raise UsageError(
            f"no JSON document is known for command {command!r}{hint}",
            code="unknown_command",
        ) from None
    module, _, name = target.partition(":")
    model = getattr(importlib.import_module(module), name)
    assert isinstance(model, type) and issubclass(model, CamelModel)
    return model


def output_schema(command: str) -> dict[str, Any]:
    """The JSON Schema of `pai-deps --json COMMAND`'s document (as printed: aliases)."""
    schema = output_model(command).model_json_schema(by_alias=True, mode="serialization")
    return {"$schema": SCHEMA_DRAFT, "$id": f"pai-deps:{schema_file(command)}", **schema}


def schema_file(command: str) -> str:
    """`ci affected` -> `ci-affected.schema.json`; an option that changes the document
    names a file of its own: `verify-history --contract` -> `verify-history-contract...`."""
    return command.replace(" --", " ").replace(" ", "-") + ".schema.json"


def schema_text(command: str) -> str:
    return json.dumps(output_schema(command), indent=2, ensure_ascii=False) + "\n"


def all_schema_files() -> dict[str, str]:
    return {schema_file(command): schema_text(command) for command in sorted(OUTPUTS)}
