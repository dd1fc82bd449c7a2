"""The check configuration: where it is read from, strict validation, selectors and globs."""

from __future__ import annotations

import fnmatch
import functools
import os
import re
import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from vaultgraph.lint.config import (
    Config,
    ConfigError,
    SelectorError,
    expand_selector,
    glob_matches,
    load_config,
)
from vaultgraph.lint.finding import Severity
from vaultgraph.lint.registry import RULES

FULL = """\
select = ["VG1", "empty-bullet"]
extend-select = ["orphan-note"]
ignore = ["VG105"]
exclude = ["Templates/", "*.excalidraw.md"]

[severity]
broken-heading = "warning"
VG2 = "error"

[per-path-ignores]
"Daily/**" = ["empty-bullet", "VG101"]
"""


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def expected_full(source: Path) -> Config:
    return Config(
        select=("VG1", "empty-bullet"),
        extend_select=("orphan-note",),
        ignore=("VG105",),
        severity={"broken-heading": Severity.WARNING, "VG2": Severity.ERROR},
        exclude=("Templates/", "*.excalidraw.md"),
        per_path_ignores={"Daily/**": ("empty-bullet", "VG101")},
        source=source,
    )


def test_no_file_gives_the_defaults(tmp_path: Path) -> None:
    assert load_config(tmp_path) == Config()
    assert Config().select is None  # the rules on by default


def test_dot_file_takes_top_level_keys(tmp_path: Path) -> None:
    source = write(tmp_path / ".vaultgraph.toml", FULL)
    assert load_config(tmp_path) == expected_full(source)


def test_pyproject_takes_the_tool_table(tmp_path: Path) -> None:
    tabled = FULL.replace("[severity]", "[tool.vaultgraph.severity]").replace(
        "[per-path-ignores]", "[tool.vaultgraph.per-path-ignores]"
    )
    text = f"[project]\nname = 'notes'\n\n[tool.vaultgraph]\n{tabled}"
    source = write(tmp_path / "pyproject.toml", text)
    assert load_config(tmp_path) == expected_full(source)


def test_pyproject_without_the_table_is_not_configuration(tmp_path: Path) -> None:
    write(tmp_path / "pyproject.toml", "[tool.ruff]\nline-length = 100\n")
    assert load_config(tmp_path) == Config()


def test_dot_file_wins_over_pyproject(tmp_path: Path) -> None:
    write(tmp_path / "pyproject.toml", '[tool.vaultgraph]\nselect = ["VG2"]\n')
    dot = write(tmp_path / ".vaultgraph.toml", 'select = ["VG3"]\n')
    assert load_config(tmp_path) == Config(select=("VG3",), source=dot)


def test_explicit_path_is_read_whatever_its_name(tmp_path: Path) -> None:
    other = write(tmp_path / "ci" / "lint.toml", 'ignore = ["table-pipe"]\n')
    write(tmp_path / "vault" / ".vaultgraph.toml", 'select = ["VG3"]\n')
    assert load_config(tmp_path / "vault", path=other) == Config(
        ignore=("table-pipe",), source=other
    )


def test_explicit_pyproject_reads_the_tool_table(tmp_path: Path) -> None:
    pyproject = write(tmp_path / "pyproject.toml", '[tool.vaultgraph]\nselect = ["ALL"]\n')
    assert load_config(tmp_path / "elsewhere", path=pyproject).select == ("ALL",)


def test_explicit_path_that_does_not_exist(tmp_path: Path) -> None:
    missing = tmp_path / "nope.toml"
    with pytest.raises(ConfigError, match=rf"^{re.escape(str(missing))}: no such configuration"):
        load_config(tmp_path, path=missing)


def error_for(tmp_path: Path, text: str, name: str = ".vaultgraph.toml") -> str:
    write(tmp_path / name, text)
    with pytest.raises(ConfigError) as caught:
        load_config(tmp_path)
    return str(caught.value)


def test_unknown_key_names_file_key_and_suggestion(tmp_path: Path) -> None:
    message = error_for(tmp_path, 'selct = ["VG1"]\n')
    assert (
        message == f"{tmp_path / '.vaultgraph.toml'}: unknown key 'selct' (did you mean 'select'?)"
    )


def test_unknown_key_without_a_close_match(tmp_path: Path) -> None:
    message = error_for(tmp_path, "colour = true\n")
    assert message.endswith(": unknown key 'colour'")


def test_unknown_key_in_pyproject_is_named_in_full(tmp_path: Path) -> None:
    message = error_for(tmp_path, "[tool.vaultgraph]\nexlude = []\n", "pyproject.toml")
    assert message == (
        f"{tmp_path / 'pyproject.toml'}: unknown key 'tool.vaultgraph.exlude' "
        "(did you mean 'exclude'?)"
    )


def test_tool_table_in_dot_file_says_where_keys_go(tmp_path: Path) -> None:
    message = error_for(tmp_path, '[tool.vaultgraph]\nselect = ["VG1"]\n')
    assert "unknown key 'tool'" in message
    assert "top level" in message


@pytest.mark.parametrize(
    ("text", "key", "problem"),
    [
        ('select = "ALL"\n', "select", "must be an array of rule names or codes (got a string)"),
        (
            'ignore = ["VG1", 1]\n',
            "ignore",
            "must be an array of rule names or codes (got an array holding an integer)",
        ),
        ("exclude = true\n", "exclude", "must be an array of glob strings (got a boolean)"),
        ('severity = "error"\n', "severity", "must be a table of rule = severity (got a string)"),
        (
            '[severity]\nbroken-link = "fatal"\n',
            "severity.broken-link",
            'must be "error" or "warning" (got \'fatal\')',
        ),
        ("per-path-ignores = []\n", "per-path-ignores", "must be a table of glob = [rules]"),
        (
            '[per-path-ignores]\n"a/*" = "VG1"\n',
            'per-path-ignores."a/*"',
            "must be an array of rule names or codes (got a string)",
        ),
    ],
)
def test_wrong_types_name_file_and_key(tmp_path: Path, text: str, key: str, problem: str) -> None:
    message = error_for(tmp_path, text)
    assert message.startswith(f"{tmp_path / '.vaultgraph.toml'}: key '{key}' {problem}")


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ('select = ["brokn-link"]\n', "select"),
        ('[severity]\nVG9 = "error"\n', "severity.VG9"),
        ('[per-path-ignores]\n"a/*" = ["nope"]\n', 'per-path-ignores."a/*"'),
    ],
)
def test_unknown_rules_in_the_file_name_file_and_key(tmp_path: Path, text: str, key: str) -> None:
    message = error_for(tmp_path, text)
    assert message.startswith(f"{tmp_path / '.vaultgraph.toml'}: key '{key}' has unknown rule")
    assert "broken-link (VG101)" in message  # the valid names are listed


def test_toml_syntax_error_names_file_and_line(tmp_path: Path) -> None:
    message = error_for(tmp_path, 'select = ["VG1"]\n\nignore = [\n"VG2" "VG3"]\n')
    assert message.startswith(f"{tmp_path / '.vaultgraph.toml'}:4:")
    assert "invalid TOML" in message
    assert "(at line" not in message


def test_toml_error_at_the_end_names_the_last_line(tmp_path: Path) -> None:
    message = error_for(tmp_path, '# lint\nselect = ["VG1",\n')
    assert message == f"{tmp_path / '.vaultgraph.toml'}:2: invalid TOML: Invalid value at the end"


def test_config_that_is_not_utf8(tmp_path: Path) -> None:
    (tmp_path / ".vaultgraph.toml").write_bytes(b'select = ["caf\xe9"]\n')
    with pytest.raises(ConfigError, match="not UTF-8"):
        load_config(tmp_path)


def test_command_line_select_replaces_the_files_selection() -> None:
    file = Config(select=("VG1",), extend_select=("VG401",), ignore=("VG101",), exclude=("x",))
    assert file.override(select=["VG101"]) == Config(select=("VG101",), exclude=("x",))


def test_command_line_ignore_and_extend_select_add_to_the_files() -> None:
    file = Config(select=("VG1",), extend_select=("VG401",), ignore=("VG101",))
    assert file.override(extend_select=["VG201"], ignore=["VG102"]) == Config(
        select=("VG1",), extend_select=("VG401", "VG201"), ignore=("VG101", "VG102")
    )


def names(selector: str) -> list[str]:
    return [rule.name for rule in expand_selector(selector, RULES)]


def test_selectors_by_name_code_prefix_and_all() -> None:
    assert names("broken-link") == ["broken-link"]
    assert names("VG102") == names("vg102") == ["broken-embed"]
    assert names("VG2") == [
        "empty-bullet",
        "duplicate-block-id",
        "table-pipe",
        "unquoted-property-link",
    ]
    assert names("ALL") == names("all") == [rule.name for rule in RULES]
    assert "orphan-note" in names("ALL")


@pytest.mark.parametrize("selector", ["brokn-link", "VG9", "V", "", "E501"])
def test_unknown_selector_lists_the_valid_ones(selector: str) -> None:
    with pytest.raises(SelectorError) as caught:
        expand_selector(selector, RULES)
    message = str(caught.value)
    assert f"unknown rule '{selector}'" in message
    assert all(f"{rule.name} ({rule.code})" in message for rule in RULES)


def test_unknown_selector_suggests_the_closest_name() -> None:
    with pytest.raises(SelectorError, match=r"did you mean 'broken-link'\?"):
        expand_selector("brokn-link", RULES)


@pytest.mark.parametrize(
    ("pattern", "path", "matches"),
    [
        ("Templates/", "Templates/Daily.md", True),
        ("Templates/", "Templates.md", False),
        ("Templates", "Templates/Daily.md", True),
        ("Templates", "Archive/Templates/Daily.md", True),  # no slash: any depth
        ("/Templates", "Archive/Templates/Daily.md", False),  # leading slash: anchored
        ("Archive/Templates", "Archive/Templates/Daily.md", True),
        ("Archive/Templates", "Old/Archive/Templates/Daily.md", False),
        ("*.excalidraw.md", "Drawings/plan.excalidraw.md", True),
        ("*.excalidraw.md", "plan.md", False),
        ("Daily/*.md", "Daily/2024-01-01.md", True),
        ("Daily/*.md", "Daily/2024/01.md", False),  # * stays in one folder
        ("Daily/**/*.md", "Daily/2024/01/01.md", True),
        ("Daily/**/*.md", "Daily/01.md", True),
        ("Daily/**", "Daily/2024/01.md", True),
        ("Note ?.md", "Note 1.md", True),
        ("Note ?.md", "Note 12.md", False),
        ("[AB]*.md", "Alpha.md", True),
        ("[!AB]*.md", "Alpha.md", False),
        ("C++ (notes).md", "C++ (notes).md", True),  # regex characters are literal
        ("./Inbox/", "Inbox/a.md", True),
    ],
)
def test_glob_matching(pattern: str, path: str, matches: bool) -> None:
    assert glob_matches(pattern, path) is matches


# A vault's own configuration is as untrusted as its notes: it is read with bounds.


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ('exclude = ["a[b-a]c"]\n', "key 'exclude' has a glob that cannot be used: 'a[b-a]c'"),
        ('[per-path-ignores]\n"[z-a]*" = ["VG1"]\n', "key 'per-path-ignores' has a glob"),
        (f'exclude = ["{"x" * 1001}"]\n', "(longer than 1000 characters)"),
    ],
)
def test_a_glob_that_cannot_be_used_is_a_configuration_error(
    tmp_path: Path, text: str, problem: str
) -> None:
    message = error_for(tmp_path, text)
    assert message.startswith(f"{tmp_path / '.vaultgraph.toml'}: ")
    assert problem in message
    assert "\n" not in message


def test_a_bad_character_range_says_which(tmp_path: Path) -> None:
    message = error_for(tmp_path, 'exclude = ["Daily/", "a[b-a]c"]\n')
    assert message.endswith("(bad character range b-a in [b-a])")


@pytest.mark.parametrize(
    "text",
    [
        "x = " + "[" * 20_000 + "]" * 20_000 + "\n",
        "x = " + "{a = " * 20_000 + "1" + "}" * 20_000 + "\n",
    ],
)
def test_toml_nested_too_deeply_is_one_clear_error(tmp_path: Path, text: str) -> None:
    message = error_for(tmp_path, text)
    assert message == f"{tmp_path / '.vaultgraph.toml'}: invalid TOML: nested too deeply to read"


def test_a_table_where_a_severity_belongs_is_named_not_printed(tmp_path: Path) -> None:
    deep = "{a = " * 200 + "1" + "}" * 200
    message = error_for(tmp_path, f"[severity]\nbroken-link = {deep}\n")
    assert message.endswith("""must be "error" or "warning" (got a table)""")


def test_a_config_file_that_is_a_named_pipe_is_refused_not_waited_on(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / ".vaultgraph.toml")
    with pytest.raises(ConfigError) as caught:
        load_config(tmp_path)
    assert str(caught.value) == (
        f"{tmp_path / '.vaultgraph.toml'}: cannot read: not a regular file (a named pipe)"
    )


def test_a_config_file_linked_from_outside_the_vault_is_refused(tmp_path: Path) -> None:
    outside = write(tmp_path / "elsewhere" / "settings.toml", 'select = ["ALL"]\n')
    vault = tmp_path / "vault"
    vault.mkdir()
    (vault / "pyproject.toml").symlink_to(outside)
    with pytest.raises(ConfigError, match="a symlink to outside the vault"):
        load_config(vault)


def test_a_config_file_linked_from_inside_the_vault_is_read(tmp_path: Path) -> None:
    inside = write(tmp_path / "settings" / "vaultgraph.toml", 'select = ["VG3"]\n')
    (tmp_path / ".vaultgraph.toml").symlink_to(inside)
    assert load_config(tmp_path).select == ("VG3",)


def test_a_config_file_over_a_mebibyte_is_refused(tmp_path: Path) -> None:
    message = error_for(tmp_path, "# padding\n" * 110_000)
    assert message == f"{tmp_path / '.vaultgraph.toml'}: cannot read: over 1,048,576 bytes"


def test_a_named_pipe_given_with_config_is_refused(tmp_path: Path) -> None:
    pipe = tmp_path / "settings.toml"
    os.mkfifo(pipe)
    with pytest.raises(ConfigError, match="not a regular file"):
        load_config(tmp_path, path=pipe)


@pytest.mark.parametrize(
    ("pattern", "path", "matches"),
    [
        ("**/**/**/x", "a/x", True),  # a run of ** is one
        ("**/**/**/x", "x", True),
        ("***/x", "a/b/x", True),  # a name of stars alone is **
        ("Daily/**.md", "Daily/01.md", True),  # inside a name, ** is *
        ("Daily/**.md", "Daily/2024/01.md", False),
        ("a[!x]b", "a/b", False),  # a class never matches the / between folders
        ("a[/]b", "a/b", False),
        ("*a*b", "xa/ab", True),
        ("a/**/b/**/c", "a/b/x/b/c/y.md", True),
        ("a/**/b/**/c", "a/c/b", False),
        ("Daily/**/", "Daily/2024/01.md", True),  # folders below Daily, and what is in them
        ("Daily/**/", "Daily/01.md", False),
    ],
)
def test_glob_edge_cases(pattern: str, path: str, matches: bool) -> None:
    assert glob_matches(pattern, path) is matches


def _reference_glob(pattern: str, path: str) -> bool:
    """The documented glob rules, by brute force over folder names: slow and obviously right."""
    body = pattern.removeprefix("./")
    folders_only = body.endswith("/") and body != "/"
    body = body.rstrip("/") if folders_only else body
    anchored = body.startswith("/")
    body = body.lstrip("/")
    glob = body.split("/")
    if not anchored and "/" not in body:
        glob = ["**", *glob]
    glob = ["**" if len(g) > 1 and not g.strip("*") else re.sub(r"\*+", "*", g) for g in glob]
    names = path.split("/")

    @functools.cache
    def match(i: int, j: int) -> bool:
        if i == len(glob):  # the path, or a folder that holds it (only that, with a final /)
            return j < len(names) if folders_only else j <= len(names)
        if glob[i] == "**":
            if i == len(glob) - 1:  # a final ** is what is below
                return len(names) - j >= (2 if folders_only else 1)
            return any(match(i + 1, k) for k in range(j, len(names) + 1))
        return j < len(names) and fnmatch.fnmatchcase(names[j], glob[i]) and match(i + 1, j + 1)

    return match(0, 0)


_GLOB_NAMES = st.lists(
    st.sampled_from(["a", "b", "*", "?", "[ab]", "[!a]", ".", "**"]), max_size=4
).map("".join)


@settings(max_examples=2000, deadline=None, suppress_health_check=list(HealthCheck))
@given(
    st.tuples(
        st.sampled_from(["", "/", "./"]),
        st.lists(_GLOB_NAMES, min_size=1, max_size=4).map("/".join),
        st.sampled_from(["", "/"]),
    ).map("".join),
    st.lists(st.text(alphabet="ab.", min_size=1, max_size=4), min_size=1, max_size=5).map("/".join),
)
def test_globs_match_as_the_rules_say(pattern: str, path: str) -> None:
    assert glob_matches(pattern, path) is _reference_glob(pattern, path), (pattern, path)


def _glob_seconds(pattern: str, depth: int) -> float:
    """The best of five timings: a busy machine only ever adds time, so the least is the cost."""
    path = "/".join(["d"] * depth) + "/y.md"
    timings = []
    for _ in range(5):
        started = time.perf_counter()
        for _ in range(20):
            assert not glob_matches(pattern, path)
        timings.append(time.perf_counter() - started)
    return min(timings)


@pytest.mark.parametrize(
    "pattern", ["**/**/**/**/**/x", "**/d/**/d/**/d/**/x", "*d*d*d*d*x", "**/*d*d*d*/**/x"]
)
def test_glob_matching_is_linear_in_the_depth_of_the_path(pattern: str) -> None:
    # The translation of before took depth to the power of the stars: 3 s at depth 120 for the
    # first pattern, over a minute at 240.
    # Eight times as deep: linear time is about 8 times as long, quadratic 64 times; the margin
    # is for a machine shared with other work.
    shallow = _glob_seconds(pattern, 500)
    deep = _glob_seconds(pattern, 4000)
    assert deep < 5  # generous; the measure is the ratio
    assert deep < max(shallow, 0.0005) * 24, f"{shallow:.4f} s at depth 500, {deep:.4f} s at 4000"
