"""Start-up pays only for what a command uses: rows load by group, help builds no model."""

from __future__ import annotations

import importlib
import json
import subprocess
import sys

from pai_deps import models
from pai_deps.models._row import Row


def loaded_after(code: str) -> list[str]:
    """The modules a fresh interpreter holds after running `code`."""
    script = f"import sys, json\n{code}\nprint(json.dumps(sorted(sys.modules)))"
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True
    )
    return list(json.loads(done.stdout.splitlines()[-1]))


def test_importing_the_models_package_builds_no_row_and_a_name_loads_only_its_group() -> None:
    assert not [
        m for m in loaded_after("import pai_deps.models") if m.startswith("pai_deps.models.")
    ]
    loaded = loaded_after("from pai_deps.models import MigrationRow")
    assert [m for m in loaded if m.startswith("pai_deps.models.")] == [
        "pai_deps.models._row",
        "pai_deps.models.meta",
    ]


def test_every_row_class_is_listed_where_it_lives() -> None:
    groups = {module for module in models._MODULES.values() if module != "_row"}
    for group in groups:
        module = importlib.import_module(f"pai_deps.models.{group}")
        for name, value in vars(module).items():
            if isinstance(value, type) and issubclass(value, Row) and value is not Row:
                assert models._MODULES.get(name) == group, name
    assert set(models.row_models()) == {
        n for n, m in models._MODULES.items() if m != "_row" and n not in ("RunLevel", "RunStatus")
    }


def test_help_and_version_import_no_pydantic() -> None:
    for args in (["--help"], ["--version"]):
        code = "\n".join(
            [
                f"sys.argv = ['pai-deps', *{args!r}]",
                "from pai_deps.cli import main",
                "try:\n    main()\nexcept SystemExit:\n    pass",
            ]
        )
        loaded = loaded_after(code)
        assert "pydantic" not in loaded, args
        assert "pai_deps.models" not in loaded, args
