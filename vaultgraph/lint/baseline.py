"""A baseline: the findings a vault had when vaultgraph was adopted, so that only new ones fail.

The file is JSON, one finding an entry, sorted, so that it diffs well under version control::

    {
      "version": 1,
      "findings": [
        {"path": "Inbox.md", "code": "VG101", "text": "[[Old note]]"},
        {"path": "Inbox.md", "code": "VG201", "text": "empty list item \\"-\\""}
      ]
    }

An entry is a finding's :func:`fingerprint`: its note, its rule's code, and its identifying text
(for a link, the link as written; else the message with its line and column numbers taken
out), never its line or column, so that an edit above a finding does not bring it back. Entries
match findings as a multiset: a note with three identical findings and a baseline with two
reports one. Other keys, in the file or in an entry, are ignored.
"""

from __future__ import annotations

import json
import os
import re
import stat
from collections import Counter
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from vaultgraph.files import read_regular, write_atomically
from vaultgraph.lint.finding import Finding

__all__ = [
    "MAX_BASELINE",
    "VERSION",
    "Baseline",
    "BaselineError",
    "Fingerprint",
    "filter_new",
    "fingerprint",
    "read_baseline",
    "write_baseline",
]

VERSION = 1
# A finding's entry is some 100 bytes: 64 MiB is over half a million findings.
MAX_BASELINE = 64 << 20

# The link rules' messages begin with what they are and the link as written, then ": " and
# why (a table-pipe finding: the link, then ' has a bare "|"').
_LINK_PREFIXES = {
    "VG101": "broken link ",
    "VG102": "broken embed ",
    "VG103": "broken heading ",
    "VG104": "broken block ",
    "VG105": "ambiguous link ",
    "VG203": "",
}
_TABLE_PIPE = ' has a bare "|" inside a table row'
_POSITION = re.compile(r"\b(lines?|columns?|col) \d+(?:[-:,]\d+)*")


class BaselineError(Exception):
    """A baseline file that cannot be read, or written, or is not a baseline."""


@dataclass(frozen=True, slots=True, order=True)
class Fingerprint:
    """What identifies a finding across edits: its note, its rule's code and its text."""

    path: str
    code: str
    text: str


@dataclass(frozen=True, slots=True)
class Baseline:
    """The entries of a baseline file, counted: a fingerprint and how many findings it had."""

    counts: Mapping[Fingerprint, int] = field(default_factory=dict)

    def __len__(self) -> int:
        return sum(self.counts.values())


def fingerprint(finding: Finding) -> Fingerprint:
    """The finding's entry in a baseline (see the module's documentation)."""
    return Fingerprint(finding.path, finding.code, _text(finding))


def _text(finding: Finding) -> str:
    message = finding.message
    prefix = _LINK_PREFIXES.get(finding.code)
    if prefix is not None and message.startswith(prefix):
        link = _link(message[len(prefix) :], table_pipe=finding.code == "VG203")
        if link:
            return link
    return _POSITION.sub(r"\1", message)


def _link(rest: str, *, table_pipe: bool) -> str | None:
    """The link as written at the start of ``rest``, or ``None`` when it cannot be told apart."""
    if table_pipe:
        end = rest.find(_TABLE_PIPE)
        return rest[:end] if end > 0 else None
    if rest.startswith(("[[", "![[")):  # a wikilink ends at its first "]]"
        end = rest.find("]]")
        return rest[: end + 2] if end >= 0 and rest.startswith(": ", end + 2) else None
    # A Markdown link: its text may hold "): " too; it ends at the first ")" before ": " after
    # its "](".
    start = rest.find("](")
    end = rest.find("): ", start) if start > 0 else -1
    return rest[: end + 1] if end > 0 else None


def filter_new(
    findings: Iterable[Finding], baseline: Baseline, *, codes: Collection[str] | None = None
) -> tuple[tuple[Finding, ...], int]:
    """The findings the baseline does not hold, in order, and how many of its entries are gone.

    Of several findings with one fingerprint, the baseline's count of them is taken first, in
    the order given (by line): the later ones are new. With ``codes`` (the rules that ran),
    the entries of other rules are not counted as gone: they were not looked for.
    """
    left = Counter(baseline.counts)
    new = []
    for finding in findings:
        key = fingerprint(finding)
        if left[key] > 0:
            left[key] -= 1
        else:
            new.append(finding)
    gone = sum(n for key, n in left.items() if codes is None or key.code in codes)
    return tuple(new), gone


def write_baseline(path: str | os.PathLike[str], findings: Iterable[Finding]) -> int:
    """Write the findings' baseline to ``path`` atomically; return how many entries it holds.

    A symbolic link at ``path`` is refused, never written through: a baseline lives in the
    vault's repository, and a link there may have been put by whoever wrote it. So is anything
    else that is not a regular file (a named pipe would block until read). Raises
    :class:`BaselineError`.
    """
    target = Path(path)
    try:
        mode: int | None = os.lstat(target).st_mode
    except FileNotFoundError:
        mode = None
    except OSError as error:
        raise BaselineError(f"{target}: cannot write: {error.strerror or error}") from None
    if mode is not None and stat.S_ISLNK(mode):
        raise BaselineError(
            f"{target}: a symbolic link; not written through (remove it, or name the file it "
            "points to)"
        )
    if mode is not None and not stat.S_ISREG(mode):  # a named pipe would wait for a reader
        raise BaselineError(f"{target}: not a regular file; a baseline is written as one")
    keys = sorted(fingerprint(finding) for finding in findings)
    try:
        write_atomically(target, _document(keys))
    except OSError as error:
        raise BaselineError(f"{target}: cannot write: {error.strerror or error}") from None
    return len(keys)


def _document(keys: list[Fingerprint]) -> bytes:
    """The file: one entry a line, sorted, UTF-8 where it can be (a name with a lone surrogate
    is written escaped)."""
    lines = []
    for key in keys:
        entry = {"path": key.path, "code": key.code, "text": key.text}
        line = json.dumps(entry, ensure_ascii=False)
        try:
            line.encode("utf-8")
        except UnicodeEncodeError:
            line = json.dumps(entry)
        lines.append(f"    {line}")
    body = ",\n".join(lines)
    findings = f"[\n{body}\n  ]" if lines else "[]"
    return f'{{\n  "version": {VERSION},\n  "findings": {findings}\n}}\n'.encode()


def read_baseline(path: str | os.PathLike[str]) -> Baseline:
    """The baseline in the file at ``path``. The file is read as untrusted input: at most
    :data:`MAX_BASELINE` bytes of a regular file, never waited on, parsed as JSON and nothing
    else. Raises :class:`BaselineError` for a file that is missing, unreadable, not JSON, of
    another version, or not shaped as a baseline."""
    where = Path(path)
    try:
        data, _ = read_regular(where, limit=MAX_BASELINE)
    except FileNotFoundError:
        raise BaselineError(f"{where}: no such baseline file") from None
    except OSError as error:
        raise BaselineError(f"{where}: cannot read: {error.strerror or error}") from None
    try:
        document = json.loads(data.decode("utf-8"))
    except UnicodeDecodeError:
        raise BaselineError(f"{where}: not UTF-8 text; a baseline is a JSON file") from None
    except json.JSONDecodeError as error:
        raise BaselineError(
            f"{where}:{error.lineno}:{error.colno}: not JSON: {error.msg}"
        ) from None
    except (ValueError, RecursionError):  # an integer too long to read, nesting too deep
        raise BaselineError(f"{where}: not JSON that can be read") from None
    return Baseline(_counts(where, document))


def _counts(where: Path, document: object) -> Counter[Fingerprint]:
    if not isinstance(document, dict):
        raise BaselineError(f"{where}: not a baseline: a JSON object was expected")
    version = document.get("version")
    if type(version) is not int:
        raise BaselineError(f'{where}: not a baseline: no "version" number')
    if version != VERSION:
        raise BaselineError(
            f"{where}: baseline version {version}; this vaultgraph reads version {VERSION}"
        )
    entries = document.get("findings")
    if not isinstance(entries, list):
        raise BaselineError(f'{where}: not a baseline: "findings" must be a list')
    counts: Counter[Fingerprint] = Counter()
    for number, entry in enumerate(entries, 1):
        if not isinstance(entry, dict):
            raise BaselineError(f"{where}: finding {number}: an object was expected")
        path, code, text = entry.get("path"), entry.get("code"), entry.get("text")
        if not (isinstance(path, str) and isinstance(code, str) and isinstance(text, str)):
            raise BaselineError(
                f'{where}: finding {number}: "path", "code" and "text" must be strings'
            )
        counts[Fingerprint(path, code, text)] += 1
    return counts
