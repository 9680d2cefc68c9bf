"""`verify-output`: does a JSON document honour a contract's schema?

The contract is looked up like everywhere else (name, or `type:name`); its schema file is
read relative to the tool's directory, with the files it references in its own folder
bundled in (`schemacompat.load_schema`: nothing else is read, nothing is fetched), and the
document is validated with the draft the schema declares, format checking on
(`pai_deps.verify.validation`).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from pai_deps.errors import PaiDepsError
from pai_deps.models import ContractRow, ToolRow
from pai_deps.registry import require_tool
from pai_deps.schemacompat import DEFAULT_DRAFT, load_schema
from pai_deps.schemas import parse_json_text
from pai_deps.verify.selection import contract_label, find_contract, schema_file

if TYPE_CHECKING:
    from pai_deps.db import Connection
    from pai_deps.results.verify import ConformanceDocument


def contract_schema(
    conn: Connection, tool_id: str, ref: str
) -> tuple[ToolRow, ContractRow, Path, Any]:
    """The tool, the contract and its loaded schema; every way this fails is one line."""
    tool = require_tool(conn, tool_id)
    contract = find_contract(conn, tool, ref)
    if not contract.schema_path:
        raise PaiDepsError(
            f"Contract {contract_label(contract)} of '{tool.id}' declares no schema to validate "
            "against",
            code="no_schema",
            details={"tool": tool.id, "contract": contract.name},
        )
    path = schema_file(tool, contract.schema_path)
    return tool, contract, path, load_schema(path, default=DEFAULT_DRAFT[contract.contract_type])


def check_output(
    conn: Connection, tool_id: str, ref: str, text: str, *, source: str
) -> ConformanceDocument:
    """Validate `text` (a JSON document read from `source`) against the contract's schema."""
    from pai_deps.results.verify import ConformanceDocument, OutputProblem
    from pai_deps.verify.validation import validation

    tool, contract, path, schema = contract_schema(conn, tool_id, ref)
    document = parse_json_text(text, source)
    result = validation(document, schema, default=DEFAULT_DRAFT[contract.contract_type])
    valid = not result.errors
    return ConformanceDocument(
        success=valid,
        valid=valid,
        tool=tool.id,
        contract=contract.name,
        contract_type=contract.contract_type,
        schema_path=str(path),
        source=source,
        draft=result.draft,
        warnings=list(result.warnings),
        errors=[
            OutputProblem(
                path=error.pointer,
                message=error.message,
                keyword=error.keyword,
                schema_path=error.schema_pointer,
            )
            for error in result.errors
        ],
    )
