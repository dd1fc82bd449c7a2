"""Output formats for ``check``: a table of small functions from a report to text."""

from __future__ import annotations

import os
import posixpath
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal
from urllib.parse import quote

import click

from vaultgraph import __version__
from vaultgraph.lint.finding import Finding, Severity
from vaultgraph.lint.rule import Rule
from vaultgraph.terminal import json_array, json_text, visible, visible_lines

__all__ = [
    "FORMATS",
    "INFORMATION_URI",
    "SARIF_SCHEMA",
    "Format",
    "Report",
    "locate",
    "render",
    "shown_path",
    "statistics",
    "text",
]

Format = Literal["text", "json", "github", "sarif"]

INFORMATION_URI = "https://pypi.org/project/vaultgraph/"
SARIF_SCHEMA = (
    "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
)
_BASE_ID = "%SRCROOT%"


@dataclass(frozen=True, slots=True)
class Report:
    """What a format needs: the findings and their context.

    ``prefix`` leads from ``base`` (an absolute folder) to the vault root, as a POSIX path
    ending in ``/`` or empty; github and sarif paths start with it (see :func:`locate`). Text
    paths and json's ``file`` lead from ``cwd`` when it is given (``../Note.md`` from inside a
    subfolder of the vault), else they start with ``prefix`` too; json also gives the
    vault-relative ``path``.
    """

    findings: tuple[Finding, ...]
    rules: tuple[Rule, ...]  # the rules that ran
    notes: int  # how many notes were checked
    base: Path
    prefix: str = ""
    cwd: Path | None = None
    _shown: dict[str, str] = field(default_factory=dict, repr=False, compare=False)

    def shown(self, path: str) -> str:
        """``path`` (vault-relative) as text output shows it: from the working directory."""
        found = self._shown.get(path)
        if found is None:
            found = self._shown[path] = shown_path(path, self.base, self.prefix, self.cwd)
        return found


def shown_path(path: str, base: Path, prefix: str, cwd: Path | None) -> str:
    """The vault-relative ``path`` from ``cwd`` (when given) for a vault at ``base/prefix``
    (see :func:`locate`), as a POSIX path; without ``cwd``, ``prefix + path``."""
    if cwd is None:
        return prefix + path
    try:
        # Both absolute: relpath compares the strings and never consults the process's cwd.
        found = os.path.relpath(os.path.join(base, prefix + path), cwd)
    except ValueError:  # another drive, on Windows: only the whole path leads there
        return posixpath.join(base.as_posix(), prefix + path)
    return found.replace(os.sep, posixpath.sep)


def locate(root: Path, cwd: Path) -> tuple[Path, str]:
    """The folder text, github and sarif paths are relative to, and the vault's path from it.

    The working directory when the vault is in it (CI runs at the repository root, where
    annotations and code scanning look files up, and an editor's terminal opens
    ``path:line:col`` from there), else the vault root itself.
    """
    vault, here = root.resolve(), cwd.resolve()
    if not vault.is_relative_to(here):
        return vault, ""
    relative = vault.relative_to(here).as_posix()
    return here, "" if relative == "." else f"{relative}/"


def render(fmt: Format, report: Report, *, color: bool = False, summary: bool = True) -> str:
    """``report`` in ``fmt``. ``color`` (ANSI styles) is for the text format only, and
    ``summary=False`` leaves out the closing lines of text and github output (``--quiet``);
    json and sarif are the same whatever they say."""
    if fmt == "text":
        return text(report, color=color, summary=summary)
    if fmt == "github":
        return _github(report, summary=summary)
    return FORMATS[fmt](report)


def text(report: Report, *, color: bool = False, summary: bool = True) -> str:
    """One ``path:line:col: CODE message`` line a finding, ``CODE [*]`` when ``--fix`` would
    repair it, then the summary and how many are fixable (unless not ``summary``). With
    ``color``, as ruff shows them on a terminal: the path bold, the code red for an error and
    yellow for a warning. Paths lead from the working directory (see :class:`Report`)."""
    # One finding, one line: a line break in a multi-line link shows as ``\n``, and nothing in a
    # note's name or text reaches the terminal raw. Styled, each piece is escaped on its own:
    # the styles' own escapes must reach the terminal.
    shown = report.shown
    if color:
        lines = [
            f"{_bold(visible(shown(f.path)))}:{f.line}:{f.column}: {_code(f.code, f.severity)}"
            f"{_marker(f)} {visible(f.message)}"
            for f in report.findings
        ]
        return "".join(f"{line}\n" for line in lines) + _closing(report, summary)
    plain = [
        f"{shown(f.path)}:{f.line}:{f.column}: {f.code}{_marker(f)} {f.message}"
        for f in report.findings
    ]
    return visible_lines(plain) + _closing(report, summary)


def statistics(report: Report, *, color: bool = False, summary: bool = True) -> str:
    """How many findings each rule reported, most first (then by code), as ``ruff check
    --statistics`` shows them: count, code, ``[*]`` when ``--fix`` would repair some of them
    (``[ ]`` when it would repair none, if any other rule's are), and the rule's name; then
    the summary lines (unless not ``summary``)."""
    counts: dict[str, list[Finding]] = {}
    for finding in report.findings:
        counts.setdefault(finding.code, []).append(finding)
    rows = sorted(counts.values(), key=lambda found: (-len(found), found[0].code))
    fixable = [any(f.fix is not None for f in found) for found in rows]
    count_width = max((len(str(len(found))) for found in rows), default=0)
    code_width = max((len(found[0].code) for found in rows), default=0)
    lines = []
    for found, fixes in zip(rows, fixable, strict=True):
        count = str(len(found)).rjust(count_width)
        code = found[0].code.ljust(code_width)
        severity = (
            Severity.ERROR
            if any(f.severity is Severity.ERROR for f in found)
            else (Severity.WARNING)
        )
        marker = ("[*] " if fixes else "[ ] ") if any(fixable) else ""
        if color:
            count, code = _bold(count), _code(code, severity)
        lines.append(f"{count}  {code}  {marker}{visible(found[0].rule)}")
    return "".join(f"{line}\n" for line in lines) + _closing(report, summary)


def _marker(finding: Finding) -> str:
    return "" if finding.fix is None else " [*]"


def _closing(report: Report, summary: bool) -> str:
    if not summary:
        return ""
    fixable = sum(f.fix is not None for f in report.findings)
    lines = [_summary(report)]
    if fixable:
        lines.append(f"[*] {fixable} fixable with the `--fix` option.")
    return visible_lines(lines)


def _bold(text: str) -> str:
    return click.style(text, bold=True)


def _code(code: str, severity: Severity) -> str:
    return click.style(code, fg="red" if severity is Severity.ERROR else "yellow", bold=True)


def _json(report: Report) -> str:
    # One finding a line, like text output: a check can report tens of thousands. "file" is the
    # path text output shows, last so that the keys before it keep their places.
    shown = report.shown
    rows = (
        {
            "path": f.path,
            "line": f.line,
            "column": f.column,
            "code": f.code,
            "rule": f.rule,
            "severity": str(f.severity),
            "message": f.message,
            "fixable": f.fix is not None,
            "file": shown(f.path),
        }
        for f in report.findings
    )
    return json_array(rows) + "\n"


def _github(report: Report, *, summary: bool = True) -> str:
    # Escaped for the runner first (a line break in a message stays one, as %0A), then for what
    # shows the line, a terminal or the Actions log (which renders colour codes): every other
    # control character in a name or message turns into its visible escape.
    lines = [
        f"::{f.severity} file={_property(report.prefix + f.path)},line={f.line},col={f.column},"
        f"title={_property(f'{f.code} {f.rule}')}::{_data(f.message)}"
        for f in report.findings
    ]
    return visible_lines([*lines, _summary(report)] if summary else lines)


def _sarif(report: Report) -> str:
    index = {rule.code: i for i, rule in enumerate(report.rules)}
    log = {
        "$schema": SARIF_SCHEMA,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "vaultgraph",
                        "version": __version__,
                        "informationUri": INFORMATION_URI,
                        "rules": [_sarif_rule(rule) for rule in report.rules],
                    }
                },
                "originalUriBaseIds": {_BASE_ID: {"uri": _folder_uri(report.base)}},
                "columnKind": "unicodeCodePoints",
                "results": [],  # last in the log: spliced in below
            }
        ],
    }
    # The log indented as before but its results, which are nearly all of it: one a line, at
    # their depth. Nothing but closing brackets follows them, so the last "[]" is theirs.
    head = json_text(log)
    cut = head.rindex("[]")
    uris: dict[str, str] = {}  # quote is slow, and a note with findings has several
    results = (_sarif_result(f, report.prefix, index, uris) for f in report.findings)
    return head[:cut] + json_array(results, indent=" " * 6) + head[cut + 2 :]


def _sarif_rule(rule: Rule) -> dict[str, Any]:
    return {
        "id": rule.code,
        "name": rule.name,
        "shortDescription": {"text": rule.summary},
        "defaultConfiguration": {"level": _LEVELS[rule.severity]},
    }


def _sarif_result(
    finding: Finding, prefix: str, index: Mapping[str, int], uris: dict[str, str]
) -> dict[str, Any]:
    path = prefix + finding.path
    if path not in uris:
        uris[path] = quote(path)
    result: dict[str, Any] = {
        "ruleId": finding.code,
        "level": _LEVELS[finding.severity],
        "message": {"text": finding.message},
        "locations": [
            {
                "physicalLocation": {
                    "artifactLocation": {
                        "uri": uris[path],
                        "uriBaseId": _BASE_ID,
                    },
                    "region": {"startLine": finding.line, "startColumn": finding.column},
                }
            }
        ],
    }
    if finding.code in index:
        result["ruleIndex"] = index[finding.code]
    return result


def _folder_uri(folder: Path) -> str:
    uri = folder.as_uri()
    return uri if uri.endswith("/") else f"{uri}/"


_LEVELS: Mapping[Severity, str] = {Severity.ERROR: "error", Severity.WARNING: "warning"}


def _summary(report: Report) -> str:
    problems = len(report.findings)
    if not problems:
        return f"All checks passed: {_count(report.notes, 'note')}, no problems."
    errors = sum(f.severity is Severity.ERROR for f in report.findings)
    files = len({f.path for f in report.findings})
    return (
        f"Found {_count(problems, 'problem')} ({_count(errors, 'error')}, "
        f"{_count(problems - errors, 'warning')}) in {files} of {_count(report.notes, 'note')}."
    )


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}{'' if n == 1 else 's'}"


def _data(text: str) -> str:
    """Escape a workflow command's message as the Actions runner decodes it."""
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _property(text: str) -> str:
    """Escape a workflow command's property value: a message's escapes, and ``:`` and ``,``."""
    return _data(text).replace(":", "%3A").replace(",", "%2C")


FORMATS: Mapping[str, Callable[[Report], str]] = {
    "text": text,
    "json": _json,
    "github": _github,
    "sarif": _sarif,
}
