"""Run the real command line in-process, as the CLI tests do."""

from __future__ import annotations

from pathlib import Path

import pytest

from vaultgraph.cli import main


def run(capsys: pytest.CaptureFixture[str], *args: str | Path) -> tuple[int, str, str]:
    """``vaultgraph ARGS``: its exit code, standard output and standard error."""
    code = main([str(arg) for arg in args])
    out, err = capsys.readouterr()
    return code, out, err
