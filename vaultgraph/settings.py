"""Obsidian's own settings of a vault (``.obsidian/app.json``): how it writes links."""

from __future__ import annotations

import json
import posixpath
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal, get_args

__all__ = ["LinkFormat", "ObsidianSettings", "decode_app_json", "read_settings", "settings_from"]

LinkFormat = Literal["shortest", "relative", "absolute"]
_FORMATS: tuple[str, ...] = get_args(LinkFormat)
_MAX_FOLDER_CHARS = 1_000


@dataclass(frozen=True, slots=True)
class ObsidianSettings:
    """What ``app.json`` says about writing links, with Obsidian's defaults for what it leaves
    out; ``warnings`` what could not be used, each a sentence naming the file.

    ``new_link_format``: ``shortest`` (the name alone when it is unique), ``relative`` (from the
    linking note's folder) or ``absolute`` (from the vault root). ``use_markdown_links``:
    ``[text](path.md)`` instead of ``[[wikilinks]]``. ``attachment_folder_path``: where new
    attachments go, ``/`` (the vault root), ``./`` (the note's folder), ``./sub`` (a folder in
    the note's folder) or a vault folder such as ``assets``.
    """

    new_link_format: LinkFormat = "shortest"
    use_markdown_links: bool = False
    attachment_folder_path: str = "/"
    warnings: tuple[str, ...] = ()

    def attachment_folder(self, note: str) -> str:
        """The vault folder (``""`` for the root) where a new attachment of ``note`` goes."""
        folder = self.attachment_folder_path
        if folder == "./" or folder == ".":
            return posixpath.dirname(note)
        if folder.startswith("./"):
            return posixpath.join(posixpath.dirname(note), folder[2:].strip("/"))
        return folder.strip("/")


def decode_app_json(data: bytes) -> dict[str, Any] | str:
    """``app.json``'s object, or why it cannot be read (not UTF-8, not JSON, too deep)."""
    try:
        document = json.loads(data.decode("utf-8"))
    except UnicodeDecodeError:
        return "cannot read: not UTF-8"
    except RecursionError:
        return "nested too deeply to read"
    except ValueError:
        return "not a JSON object"
    return document if isinstance(document, dict) else "not a JSON object"


def read_settings(
    app_json: bytes | OSError, source: str = ".obsidian/app.json"
) -> ObsidianSettings:
    """The settings ``app_json`` holds (its bytes, or the error reading it raised). A missing
    file is Obsidian's defaults; anything wrong is a warning, and that setting its default."""
    if isinstance(app_json, FileNotFoundError):
        return ObsidianSettings()
    if isinstance(app_json, OSError):
        reason = app_json.strerror or str(app_json)
        return ObsidianSettings(warnings=(f"{source}: cannot read: {reason}; defaults used",))
    document = decode_app_json(app_json)
    if isinstance(document, str):
        return ObsidianSettings(warnings=(f"{source}: {document}; defaults used",))
    return settings_from(document, source)


def settings_from(document: Mapping[str, Any], source: str) -> ObsidianSettings:
    """The settings of ``app.json``'s decoded object (:func:`decode_app_json`)."""
    warnings: list[str] = []

    def bad(key: str, wanted: str, default: object) -> None:
        shown = json.dumps(document[key], ensure_ascii=True)[:80]
        warnings.append(f"{source}: {key} is {shown}, not {wanted}; {json.dumps(default)} used")

    defaults = ObsidianSettings()
    link_format = document.get("newLinkFormat", defaults.new_link_format)
    if link_format not in _FORMATS:
        bad("newLinkFormat", " or ".join(f'"{f}"' for f in _FORMATS), defaults.new_link_format)
        link_format = defaults.new_link_format
    markdown = document.get("useMarkdownLinks", defaults.use_markdown_links)
    if not isinstance(markdown, bool):
        bad("useMarkdownLinks", "true or false", defaults.use_markdown_links)
        markdown = defaults.use_markdown_links
    folder = document.get("attachmentFolderPath", defaults.attachment_folder_path)
    if not _usable_folder(folder):
        bad("attachmentFolderPath", "a folder inside the vault", defaults.attachment_folder_path)
        folder = defaults.attachment_folder_path
    return ObsidianSettings(link_format, markdown, folder or "/", tuple(warnings))


def _usable_folder(folder: object) -> bool:
    if not isinstance(folder, str) or len(folder) > _MAX_FOLDER_CHARS:
        return False
    if any(ord(char) < 32 for char in folder) or "\\" in folder:
        return False
    parts = folder.removeprefix("./").strip("/").split("/")
    return all(part not in ("..", ".") for part in parts if part) and "//" not in folder.strip("/")
