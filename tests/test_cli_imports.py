"""What a command imports: a check replayed from its memo loads none of the heavy libraries."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from tests.vaults import write_vault

_HEAVY = ("yaml", "markdown_it", "mdit_py_plugins", "networkx", "frontmatter", "pyvis", "jinja2")

_PROBE = """
import json, sys
from vaultgraph.cli import main
try:
    main(sys.argv[1:])
except SystemExit:
    pass
print(json.dumps(sorted(name for name in sys.modules if name.split(".")[0] in {heavy!r})))
"""


def _imported(args: list[str], cache: Path) -> list[str]:
    done = subprocess.run(
        [sys.executable, "-c", _PROBE.format(heavy=set(_HEAVY)), *args],
        capture_output=True,
        text=True,
        timeout=120,
        env={"VAULTGRAPH_CACHE_DIR": str(cache), "PATH": "/usr/bin:/bin"},
        check=False,
    )
    return list(json.loads(done.stdout.strip().splitlines()[-1]))


def test_a_warm_check_imports_no_parser_yaml_or_graph_library(tmp_path: Path) -> None:
    vault = write_vault(
        tmp_path / "vault",
        {"A.md": "---\nup: [[B]]\n---\n- \n[[B]] [[Missing]]\n", "B.md": "$x$ [^1]\n\n[^1]: y\n"},
    )
    cache = tmp_path / "cache"
    cold = _imported(["check", str(vault)], cache)
    assert "markdown_it" in cold  # the probe sees what a check imports
    assert _imported(["check", str(vault)], cache) == []


def test_rule_imports_no_parser_yaml_or_graph_library(tmp_path: Path) -> None:
    assert _imported(["rule", "VG101"], tmp_path / "cache") == []
    assert _imported(["rule", "--all"], tmp_path / "cache") == []


def test_a_mistyped_command_imports_no_heavy_library(tmp_path: Path) -> None:
    assert _imported(["chek"], tmp_path / "cache") == []
