"""The ``check`` configuration: one strictly validated file, rule selectors and path globs."""

from __future__ import annotations

import dataclasses
import difflib
import re
import tomllib
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache, partial
from pathlib import Path
from typing import Any

from vaultgraph.files import read_inside, read_regular
from vaultgraph.lint.finding import Severity
from vaultgraph.lint.rule import Rule

__all__ = [
    "CONFIG_FILES",
    "MAX_CONFIG",
    "MAX_GLOB",
    "Config",
    "ConfigError",
    "GlobError",
    "SelectorError",
    "expand_selector",
    "glob_matches",
    "load_config",
]

# Looked for at the vault root, in this order; the first one that configures vaultgraph wins.
CONFIG_FILES = (".vaultgraph.toml", "pyproject.toml")
# A configuration file is read only up to this size: a vault's own is as untrusted as its notes.
MAX_CONFIG = 1 << 20


class ConfigError(Exception):
    """A configuration file cannot be used; the message names the file and the key."""


class SelectorError(ValueError):
    """A rule selector names no rule; the message lists the valid ones."""


class GlobError(ValueError):
    """A glob cannot be used (a bad character class, or too long); the message says why."""


@dataclass(frozen=True, slots=True)
class Config:
    """What to check and how: the defaults here are the one table of defaults.

    Selectors are rule names (``broken-link``), codes (``VG101``), code prefixes (``VG1``) or
    ``ALL``. ``select=None`` means the rules that are on by default. Globs are matched against
    vault-relative POSIX paths (see :func:`glob_matches`).
    """

    select: tuple[str, ...] | None = None
    extend_select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    severity: Mapping[str, Severity] = field(default_factory=dict)
    exclude: tuple[str, ...] = ()
    per_path_ignores: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    source: Path | None = None  # the file this came from, if any

    def override(
        self,
        *,
        select: Sequence[str] | None = None,
        extend_select: Sequence[str] = (),
        ignore: Sequence[str] = (),
    ) -> Config:
        """Layer command-line selectors over the file's.

        A new ``select`` replaces the file's whole selection (its ``select``, ``extend-select``
        and ``ignore``), so a flag can turn back on what the file turned off; ``extend_select``
        and ``ignore`` add to whatever selection is in force.
        """
        base = (
            self
            if select is None
            else dataclasses.replace(self, select=tuple(select), extend_select=(), ignore=())
        )
        return dataclasses.replace(
            base,
            extend_select=(*base.extend_select, *extend_select),
            ignore=(*base.ignore, *ignore),
        )


def expand_selector(selector: str, rules: Sequence[Rule]) -> tuple[Rule, ...]:
    """The rules one selector names, in registry order."""
    wanted = selector.strip()
    if wanted.upper() == "ALL":
        return tuple(rules)
    by_name = tuple(rule for rule in rules if rule.name == wanted.lower())
    if by_name:
        return by_name
    by_code = tuple(rule for rule in rules if rule.code.startswith(wanted.upper()))
    if by_code and wanted[:2].upper() == "VG":
        return by_code
    raise SelectorError(_unknown_selector(selector, rules))


def glob_matches(pattern: str, path: str) -> bool:
    """Whether a vault-relative POSIX path matches a glob, with .gitignore's conventions.

    ``*`` and ``?`` stay within one folder, ``**`` crosses folders, ``[abc]`` is a class. A
    pattern without a ``/`` (other than a trailing one) matches at any depth (``*.canvas.md``,
    ``Templates``); a leading ``/`` anchors it to the vault root. A pattern that matches a
    folder matches everything in it; a trailing ``/`` matches folders only. ``**`` crosses
    folders as a whole name (``**/``, ``/**/``, ``/**``); inside a name it is ``*``. Time is
    linear in the length of the path. Raises :class:`GlobError` for a glob that cannot be used.
    """
    return _compile_glob(pattern).fullmatch(path) is not None


def load_config(
    root: Path, *, path: Path | None = None, rules: Sequence[Rule] | None = None
) -> Config:
    """Read the configuration of the vault at ``root``, or the file at ``path``.

    Without ``path``: ``.vaultgraph.toml`` (keys at the top level) if there is one, else the
    ``[tool.vaultgraph]`` table of ``pyproject.toml``, else the defaults. Rule selectors are
    checked against ``rules`` (the registry by default). Raises :class:`ConfigError`.
    """
    if rules is None:
        from vaultgraph.lint.registry import RULES

        rules = RULES
    if path is not None:
        if not path.exists():
            raise ConfigError(f"{path}: no such configuration file")
        return _from_file(
            path, _read_toml(path, lambda: read_regular(path, limit=MAX_CONFIG)[0]), rules
        )
    for name in CONFIG_FILES:
        candidate = root / name
        try:
            document = _read_toml(candidate, partial(read_inside, root, name, limit=MAX_CONFIG))
        except FileNotFoundError:
            continue
        config = _from_file(candidate, document, rules)
        if config.source is not None:
            return config
    return Config()


def _from_file(path: Path, document: dict[str, Any], rules: Sequence[Rule]) -> Config:
    if path.name != "pyproject.toml":
        if "tool" in document:
            raise ConfigError(
                f"{path}: unknown key 'tool' (in this file, write the keys at the top level, "
                "without a [tool.vaultgraph] header)"
            )
        return _parse_table(document, _Where(path, ""), rules)
    tool = document.get("tool", {})
    if not isinstance(tool, dict) or "vaultgraph" not in tool:
        return Config()
    table = tool["vaultgraph"]
    where = _Where(path, "tool.vaultgraph.")
    if not isinstance(table, dict):
        raise ConfigError(f"{path}: key 'tool.vaultgraph' must be a table")
    return _parse_table(table, where, rules)


def _read_toml(path: Path, read: Callable[[], bytes]) -> dict[str, Any]:
    """The document ``read`` gives; raises :class:`FileNotFoundError` when there is no file,
    and :class:`ConfigError` for anything else wrong with it."""
    try:
        text = read().decode("utf-8")
    except FileNotFoundError:
        raise
    except OSError as error:
        raise ConfigError(f"{path}: cannot read: {error.strerror or error}") from None
    except UnicodeDecodeError:
        raise ConfigError(f"{path}: not UTF-8; TOML files must be UTF-8") from None
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise ConfigError(_toml_error(path, text, str(error))) from None
    except RecursionError:  # tomllib reads nested arrays and tables by recursion
        raise ConfigError(f"{path}: invalid TOML: nested too deeply to read") from None


def _toml_error(path: Path, text: str, message: str) -> str:
    # tomllib only puts the position in its message: "... (at line 3, column 7)".
    found = re.search(r" \(at line (\d+), column (\d+)\)$", message)
    if found is not None:
        return f"{path}:{found[1]}:{found[2]}: invalid TOML: {message[: found.start()]}"
    at_end = " (at end of document)"
    if message.endswith(at_end):
        last = max(len(text.splitlines()), 1)
        return f"{path}:{last}: invalid TOML: {message.removesuffix(at_end)} at the end"
    return f"{path}: invalid TOML: {message}"


@dataclass(frozen=True, slots=True)
class _Where:
    """The file and the key path a value comes from, for messages."""

    path: Path
    prefix: str

    def key(self, key: str) -> str:
        return f"{self.prefix}{key}"

    def error(self, key: str, problem: str) -> ConfigError:
        return ConfigError(f"{self.path}: key '{self.key(key)}' {problem}")


_Parser = Callable[[object, str, _Where, Sequence[Rule]], object]


def _parse_table(table: Mapping[str, object], where: _Where, rules: Sequence[Rule]) -> Config:
    values: dict[str, Any] = {}
    for key, value in table.items():
        if key not in _KEYS:
            hint = difflib.get_close_matches(key, _KEYS, n=1)
            suggestion = f" (did you mean '{hint[0]}'?)" if hint else ""
            raise ConfigError(f"{where.path}: unknown key '{where.key(key)}'{suggestion}")
        attribute, parse = _KEYS[key]
        values[attribute] = parse(value, key, where, rules)
    return dataclasses.replace(Config(), source=where.path, **values)


def _selectors(value: object, key: str, where: _Where, rules: Sequence[Rule]) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise where.error(key, f"must be an array of rule names or codes (got {_toml_type(value)})")
    for selector in value:
        try:
            expand_selector(selector, rules)
        except SelectorError as error:
            raise where.error(key, f"has {error}") from None
    return tuple(value)


def _globs(value: object, key: str, where: _Where, rules: Sequence[Rule]) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise where.error(key, f"must be an array of glob strings (got {_toml_type(value)})")
    for glob in value:
        _check_glob(glob, key, where)
    return tuple(value)


def _check_glob(glob: str, key: str, where: _Where) -> None:
    try:
        _compile_glob(glob)
    except GlobError as error:
        raise where.error(
            key, f"has a glob that cannot be used: {_shown(glob)} ({error})"
        ) from None


def _shown(text: str) -> str:
    return repr(text) if len(text) <= 60 else f"{text[:57]!r}..."


def _severities(
    value: object, key: str, where: _Where, rules: Sequence[Rule]
) -> dict[str, Severity]:
    if not isinstance(value, dict):
        raise where.error(key, f"must be a table of rule = severity (got {_toml_type(value)})")
    table: dict[str, Severity] = {}
    for selector, level in value.items():
        _selectors([selector], f"{key}.{selector}", where, rules)
        if level not in tuple(Severity):
            allowed = " or ".join(f'"{s}"' for s in Severity)
            got = repr(level) if isinstance(level, str) else _toml_type(level)
            raise where.error(f"{key}.{selector}", f"must be {allowed} (got {got})")
        table[selector] = Severity(level)
    return table


def _per_path(
    value: object, key: str, where: _Where, rules: Sequence[Rule]
) -> dict[str, tuple[str, ...]]:
    if not isinstance(value, dict):
        raise where.error(key, f"must be a table of glob = [rules] (got {_toml_type(value)})")
    table: dict[str, tuple[str, ...]] = {}
    for glob, selectors in value.items():
        _check_glob(glob, key, where)
        table[glob] = _selectors(selectors, f'{key}."{glob}"', where, rules)
    return table


# File key -> (Config attribute, parser).
_KEYS: Mapping[str, tuple[str, _Parser]] = {
    "select": ("select", _selectors),
    "extend-select": ("extend_select", _selectors),
    "ignore": ("ignore", _selectors),
    "severity": ("severity", _severities),
    "exclude": ("exclude", _globs),
    "per-path-ignores": ("per_path_ignores", _per_path),
}


def _toml_type(value: object) -> str:
    if isinstance(value, list):
        odd = next((item for item in value if not isinstance(item, str)), None)
        return "an array" if odd is None else f"an array holding {_toml_type(odd)}"
    names = {
        bool: "a boolean",
        int: "an integer",
        float: "a float",
        str: "a string",
        dict: "a table",
    }
    return names.get(type(value), "a date or time")


def _unknown_selector(selector: str, rules: Sequence[Rule]) -> str:
    names = [rule.name for rule in rules]
    hint = difflib.get_close_matches(selector.lower(), names, n=1)
    suggestion = f" (did you mean '{hint[0]}'?)" if hint else ""
    valid = ", ".join(f"{rule.name} ({rule.code})" for rule in rules)
    return (
        f"unknown rule '{selector}'{suggestion}; use a rule name, a code, a code prefix "
        f"such as VG1, or ALL: {valid}"
    )


# A glob longer than this is not a path pattern anyone writes; it is refused, so that matching
# every path of a vault against every glob stays cheap.
MAX_GLOB = 1000


@cache
def _compile_glob(pattern: str) -> re.Pattern[str]:
    """A regex that matches what the glob does, in time linear in the path; raises
    :class:`GlobError`.

    ``re`` backtracks, so the obvious translation (``**/`` as ``(?:.*/)?``, ``*`` as
    ``[^/]*``) takes time that grows with the path to the power of the number of stars. Here
    every choice is made once: a run of ``**`` folders is one; each group of folders between two
    ``**`` is placed at the first folder where it fits, and each piece of a name between two
    ``*`` at the first place it fits, in atomic groups that are never tried again. Taking the
    first fit is never wrong, because what comes after a ``**`` (or a ``*``) accepts any folders
    (or any characters of the name) before it.
    """
    if len(pattern) > MAX_GLOB:
        raise GlobError(f"longer than {MAX_GLOB} characters")
    body = pattern.removeprefix("./")
    folders_only = body.endswith("/") and body != "/"
    body = body.rstrip("/") if folders_only else body
    anchored = body.startswith("/")
    body = body.lstrip("/")
    floating = not anchored and "/" not in body
    names: list[str] = []
    for name in ["**", *body.split("/")] if floating else body.split("/"):
        if len(name) > 1 and name.strip("*") == "":
            name = "**"  # *** is **, as in .gitignore
        if name != "**" or not names or names[-1] != "**":  # **/**/ is **/
            names.append(name)
    return re.compile(_folders(names, folders_only), re.DOTALL)


def _folders(names: Sequence[str], folders_only: bool) -> str:
    """The regex of a glob split at ``/``, with ``**`` for any folders."""
    blocks: list[list[str]] = [[]]
    for name in names:
        if name == "**":
            blocks.append([])
        else:
            blocks[-1].append(name)
    regex = "/".join(_name(name) for name in blocks[0])
    for block in blocks[1:]:
        if not block:  # a trailing **: everything below (below a folder below, with a /)
            lead = "/" if regex else ""
            return f"{regex}{lead}[^/]+/.*" if folders_only else f"{regex}{lead}.*"
        names_regex = "/".join(_name(name) for name in block)
        # Zero or more folders, then the block at the first place it fits, for good.
        skip = "(?:/[^/]*)*?/" if regex else "(?:[^/]*/)*?"
        regex = f"{regex}(?>{skip}{names_regex})"
    return regex + ("/.*" if folders_only else "(?:/.*)?")


def _name(glob: str) -> str:
    """The regex of one file or folder name's glob; it ends at the end of the name."""
    pieces: list[list[str]] = [[]]
    i = 0
    while i < len(glob):
        char = glob[i]
        if char == "*":
            pieces.append([])  # ** inside a name is *, as in .gitignore
            while i < len(glob) and glob[i] == "*":
                i += 1
            continue
        if char == "?":
            pieces[-1].append("[^/]")
        elif char == "[" and (close := glob.find("]", i + 2)) != -1:
            pieces[-1].append(_char_class(glob[i + 1 : close]))
            i = close
        else:
            pieces[-1].append(re.escape(char))
        i += 1
    joined = ["".join(piece) for piece in pieces]
    if len(joined) == 1:
        return f"{joined[0]}(?![^/])"
    first, *middle, last = joined
    # Each middle piece at its first place after the one before; the last one ends the name.
    between = "".join(f"(?>[^/]*?{piece})" for piece in middle)
    return f"(?>{first}{between}[^/]*{last}(?![^/]))"


def _char_class(inner: str) -> str:
    negate = inner.startswith("!")
    inner = inner[1:] if negate else inner
    # Escaped so that no character means anything to re but a range's "-" (re warns of
    # nested sets and set operations, [[ && ~~ ||, and would take ^ for a negation).
    escaped = re.sub(r"([\\\[\]^&~|])", r"\\\1", inner)
    try:
        re.compile(f"[{escaped}]")
    except re.error as error:
        message = re.sub(r" at position \d+$", "", str(error))
        raise GlobError(f"{message} in [{inner}]") from None
    # A class never matches the / between folders.
    return f"[^{escaped}/]" if negate else f"(?!/)[{escaped}]"
