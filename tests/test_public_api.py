"""Every public module says what it exports: ``__all__`` lists exactly its public names."""

from __future__ import annotations

import ast
import importlib
import inspect
import pkgutil
from pathlib import Path
from types import ModuleType

import pytest

import vaultgraph

# The modules a caller may import: not ``python -m vaultgraph``, nor any ``_private`` one.
PUBLIC = sorted(
    info.name
    for info in pkgutil.walk_packages(vaultgraph.__path__, "vaultgraph.")
    if info.name != "vaultgraph.__main__"
    and not any(part.startswith("_") for part in info.name.split("."))
)


def _defined(module: ModuleType) -> set[str]:
    """The names a module's own top-level statements define (not those it imports)."""
    tree = ast.parse(Path(inspect.getfile(module)).read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in tree.body:
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            names.add(node.name)
        elif isinstance(node, ast.Assign):
            names |= {t.id for t in node.targets if isinstance(t, ast.Name)}
        elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
            names.add(node.target.id)
    return names - {"__all__"}


def test_the_package_and_its_subpackages_are_found() -> None:
    assert {"vaultgraph.lint.check", "vaultgraph.resolve", "vaultgraph.cli.check"} <= set(PUBLIC)
    assert "vaultgraph.lint.rules._shared" not in PUBLIC


@pytest.mark.parametrize("name", ["vaultgraph", *PUBLIC])
def test_all_names_things_that_exist(name: str) -> None:
    module = importlib.import_module(name)
    exported = module.__dict__.get("__all__")
    assert isinstance(exported, list), f"{name} has no __all__"
    assert all(isinstance(item, str) for item in exported)
    assert len(set(exported)) == len(exported), f"{name}.__all__ names something twice"
    missing = [item for item in exported if not hasattr(module, item)]
    assert not missing, f"{name}.__all__ names what it does not have: {missing}"


@pytest.mark.parametrize("name", PUBLIC)
def test_every_public_name_a_module_defines_is_in_all(name: str) -> None:
    module = importlib.import_module(name)
    public = {item for item in _defined(module) if not item.startswith("_")}
    unlisted = sorted(public - set(module.__all__))
    assert not unlisted, f"{name}: public but not in __all__ (list them, or make them _private)"


def test_the_lazy_names_of_the_package_are_its_all() -> None:
    homes: dict[str, str] = vaultgraph._HOMES
    assert set(homes) == set(vaultgraph.__all__) - {"__version__"}
    for item, home in homes.items():
        assert getattr(vaultgraph, item) is getattr(importlib.import_module(home), item), item
        assert item in importlib.import_module(home).__all__, f"{home} does not export {item}"
    assert set(vaultgraph.__all__) <= set(dir(vaultgraph))
    with pytest.raises(AttributeError, match="no attribute 'nothing'"):
        vaultgraph.nothing  # noqa: B018
