"""Random sequences of moves on generated vaults keep the invariant (hypothesis)."""

from __future__ import annotations

import posixpath
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.move.invariant import assert_moved, files_of
from vaultgraph.move import MoveError, apply_plan, plan_moves
from vaultgraph.vault import load_vault

_FOLDERS = ("", "a", "b", "a/c")
_REFUSALS = (
    "exists",
    "into itself",
    "is not a folder",
    "differs only in case",
    ".md extension",
    "already there",
)
_NAMES = ("N1", "N2", "Same", "Other note")  # repeated across folders: tie-breaks


def _link(source: str, target: str, style: int, name: str) -> str:
    stem = target[:-3] if target.endswith(".md") else target
    relative = posixpath.relpath(target, posixpath.dirname(source) or ".")
    encoded = relative.replace(" ", "%20")
    return [
        f"[[{posixpath.basename(stem)}]]",
        f"[[{stem}|shown]]",
        f"[md]({encoded})",
        f"[[{posixpath.basename(stem)}#Head]]",
        f"[angle](<{relative}>)",
        f"![[{posixpath.basename(target)}|300]]",
        "[[Missing note]]",
        f"[[./{posixpath.basename(stem)}]]",
        f"| [[{stem}\\|cell]] |",
        f'"[[{posixpath.basename(stem)}]]"' if name else "",
    ][style]


@st.composite
def _vaults(draw: st.DrawFn) -> dict[str, str]:
    paths = draw(
        st.lists(
            st.tuples(st.sampled_from(_FOLDERS), st.sampled_from(_NAMES)),
            min_size=2,
            max_size=8,
            unique=True,
        )
    )
    notes = [posixpath.join(folder, name + ".md") for folder, name in paths]
    files = [*notes, draw(st.sampled_from(["pic.png", "a/pic.png", "b/c/pic.png"]))]
    vault: dict[str, str] = {}
    for note in notes:
        lines = ["---", f'up: "[[{posixpath.basename(draw(st.sampled_from(notes)))[:-3]}]]"']
        lines += ["---", f"# {note}", "", "## Head", ""]
        for _ in range(draw(st.integers(0, 5))):
            target = draw(st.sampled_from(files))
            lines.append(f"x {_link(note, target, draw(st.integers(0, 8)), note)} y")
        vault[note] = "\n".join(lines) + "\n"
    vault[files[-1]] = "PNG"
    return vault


@st.composite
def _moves(draw: st.DrawFn) -> list[tuple[str, str]]:
    moves = []
    for _ in range(draw(st.integers(1, 3))):
        source = draw(st.sampled_from([*_FOLDERS[1:], *(f + "/" if f else "" for f in _FOLDERS)]))
        name = draw(st.sampled_from([*_NAMES, "N1.md", "Same.md", "pic.png", "Fresh.md", "d"]))
        folder = draw(st.sampled_from([*_FOLDERS, "new/deep"]))
        moves.append((source, posixpath.join(folder, name)))
    return moves


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(vault=_vaults(), moves=_moves(), picks=st.lists(st.integers(0, 50), min_size=3))
def test_random_moves_keep_every_link(
    vault: dict[str, str], moves: list[tuple[str, str]], picks: list[int]
) -> None:
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        (root / ".obsidian").mkdir()
        for path, text in vault.items():
            (root / path).parent.mkdir(parents=True, exist_ok=True)
            (root / path).write_text(text, encoding="utf-8")
        for (prefix, dest), pick in zip(moves, picks, strict=False):
            before = load_vault(root, cache=False)
            files = [*before.notes, *before.attachments]
            candidates = sorted(
                {p for p in files if p.startswith(prefix.rstrip("/"))}
                | {posixpath.dirname(p) for p in files if posixpath.dirname(p)}
            )
            if not candidates:
                continue
            source = candidates[pick % len(candidates)]
            snapshot = files_of(root)
            try:
                plan = plan_moves(before, [source], dest)
            except MoveError as error:
                refused = str(error)
            else:
                refused = ""
            if refused:
                # Only the refusals of a move that cannot be made as asked; never of a link.
                assert any(why in refused for why in _REFUSALS), refused
                assert files_of(root) == snapshot
                continue
            apply_plan(root, plan)
            assert_moved(before, snapshot, plan)
