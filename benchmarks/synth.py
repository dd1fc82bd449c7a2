"""Deterministic synthetic Obsidian vaults for benchmarks: ``python -m benchmarks.synth OUT``."""

from __future__ import annotations

import argparse
import bisect
import itertools
import json
import os
import posixpath
import random
import sys
import time
from collections.abc import Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TypeVar
from urllib.parse import quote

__all__ = [
    "BROKEN_LINK_RATE",
    "BROKEN_SUBPATH_RATE",
    "GENERATOR_VERSION",
    "MAX_BYTES",
    "MIN_BYTES",
    "MISSING_ATTACHMENT_RATE",
    "Expected",
    "SynthNote",
    "SynthVault",
    "generate",
    "plan_vault",
]

# Bump whenever the same (notes, seed) would write different files: cached vaults are keyed by it.
GENERATOR_VERSION = 4

# Note sizes in UTF-8 bytes. Triangular, leaning long: 10,000 notes come to about 48 MB.
MIN_BYTES, MODE_BYTES, MAX_BYTES = 3000, 5400, 6000
# Of links to notes, how many name no file at all (typos and notes never written).
BROKEN_LINK_RATE = 0.03
# Of links with a heading or block subpath, how many name a heading or block that is not there.
BROKEN_SUBPATH_RATE = 0.1
# Of image and PDF embeds, how many name an attachment that is not in the vault.
MISSING_ATTACHMENT_RATE = 0.15
# Out-degree is Pareto-distributed (most notes link a little, a few link a lot), capped so a hub
# note still fits MAX_BYTES: hubs are maps of content, one link per bullet.
_MAX_OUT_LINKS = 60
_MOC_FROM = 20


def _vocabulary(text: str) -> tuple[str, ...]:
    return tuple(dict.fromkeys(text.split()))


_TOP = (
    "Projects", "Areas", "Resources", "Archive", "Journal", "People", "Concepts", "Meetings",
    "Daily Notes", "Reading List", "Zettelkasten", "Inbox",
)  # fmt: skip
_SUB = (
    "alpha", "beta", "gamma", "delta", "ops", "infra", "research", "drafts", "clients", "2023",
    "2024", "old", "reference", "how-to", "team notes", "côté", "misc",
)  # fmt: skip
_TITLE_WORDS = _vocabulary("""
cluster node service pod image queue cache index shard event metric alert trace log budget plan
review draft design network storage backup restore deploy release pipeline build test schema query
migration replica primary gateway proxy router token secret policy role account billing invoice
customer vendor contract roadmap sprint retro standup incident outage postmortem runbook playbook
dashboard report summary journal reading book paper chapter lecture course lesson exercise recipe
garden travel budget health sleep habit goal project area resource archive inbox idea question
answer principle pattern model theory method tool library framework language compiler kernel
driver socket protocol packet frame buffer stream batch window join filter map reduce graph tree
heap stack lock mutex thread process signal timer clock calendar meeting agenda minutes decision
risk issue feature bug fix patch version branch merge commit tag label owner team mentor hiring
onboarding café résumé naïve zürich façade
""")
_PROSE_WORDS = _vocabulary("""
the a an of to in on for with by from and or but not this that these those it its we our they
their is are was were be been being has have had will would can could should may might must do
does did done make made take took use used using run runs running keep keeps kept find found
need needs note notes idea ideas point points later today tomorrow yesterday week month year
first second last next small large quick slow simple clear open closed new old good better best
worse main other same different each every some many few more most less least about around
after before during while when where why how what which who whom whose because so then than also
still just only even very quite rather almost often always never sometimes usually again once
system change changes result results problem problems answer answers question questions step
steps part parts way ways time times place places thing things people person team work works
working plan plans review reviews data value values number numbers list lists case cases end
""")
_HEADINGS = (
    "Overview", "Background", "Context", "Goals", "Non-goals", "Design", "Open questions",
    "Next steps", "Decisions", "Notes", "Ideas", "References", "Further reading", "Summary",
    "Key points", "Details", "Setup", "Installation", "Configuration", "Usage", "Examples",
    "Troubleshooting", "Known issues", "Risks", "Timeline", "Action items", "Follow-up",
    "Meeting notes", "Highlights", "Quotes", "Related", "Sources", "Log", "Changes", "Status",
    "Costs", "Metrics", "Alternatives", "Lessons learned", "What went well", "What to improve",
    "Why it matters?", "How it works", "Résumé", "Step 1: prepare", "Step 2: run",
)  # fmt: skip
_TAGS = (
    "status/active", "status/done", "status/idea", "area/work", "area/home", "area/study",
    "type/howto", "type/ref", "type/log", "topic/cloud", "topic/data", "topic/ml", "topic/ops",
    "topic/security", "topic/web", "people", "meeting", "todo", "review", "area/work/infra",
    "area/work/infra/k8s", "project/alpha/phase-2", "café", "日本語",
)  # fmt: skip
_CODE_LANGUAGES = ("python", "bash", "yaml", "markdown", "text", "js", "")
_IMAGE_KINDS = ("diagram", "Screenshot", "photo", "chart", "whiteboard", "scan")
# Sentences real notes hold that look like tags or links to a careless reader, and are not.
_DECOYS = (
    "Tracked as issue #42 in the old tracker.",
    "It was ported from C# last spring.",
    "The spec is at https://example.org/spec#section-2 for now.",
    "Pricing rose by 20 #1 again, says the report.",
    "See [the upstream docs](https://example.org/docs/guide) and <https://example.org/faq>.",
    "Mail [the team](mailto:team@example.org) before Friday.",
)

# Tiny but valid files: an attachment's content is never read, its existence is.
_PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360000002000001e221bc330000000049454e44ae426082"
)
_PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"

_T = TypeVar("_T")

# Channels of the per-note random streams: a note's outline can be drawn without its text.
_OUTLINE, _TEXT = 1, 2


@dataclass(frozen=True, slots=True)
class Expected:
    """What vaultgraph should read in one synthetic note (code blocks and comments hold none)."""

    links: int = 0  # every Link: wiki, Markdown and property; links and embeds
    embeds: int = 0  # of them, embeds
    unresolved: int = 0  # of them, those whose target names no file
    bad_subpaths: int = 0  # of them, those whose file exists but not the heading or block
    tags: int = 0  # every Tag: frontmatter and body
    empty_bullets: int = 0  # list items holding nothing

    def __add__(self, other: Expected) -> Expected:
        if other is _NOTHING:
            return self
        return Expected(
            self.links + other.links,
            self.embeds + other.embeds,
            self.unresolved + other.unresolved,
            self.bad_subpaths + other.bad_subpaths,
            self.tags + other.tags,
            self.empty_bullets + other.empty_bullets,
        )


_NOTHING = Expected()


@dataclass(frozen=True, slots=True)
class SynthNote:
    path: str  # vault-relative POSIX path
    text: str
    expected: Expected


@dataclass(frozen=True, slots=True)
class _Outline:
    """A note's headings below the title, and its block ids: what links into it may name."""

    headings: tuple[str, ...]
    levels: tuple[int, ...]
    parents: tuple[int, ...]  # index of the enclosing heading, -1 at the top
    blocks: tuple[str, ...]


@dataclass(frozen=True)
class SynthVault:
    """The plan of a vault: every path is fixed, and each note's text is drawn on demand."""

    seed: int
    paths: tuple[str, ...]  # notes, in generation order
    attachments: tuple[str, ...]
    folders: tuple[str, ...]
    ranked: tuple[int, ...]  # notes by popularity: ranked[0] is the most linked-to hub
    cumulative: tuple[float, ...]  # Zipf weights 1/(rank+1), accumulated
    titles: tuple[str, ...]  # file names without .md: what Obsidian links by
    title_keys: frozenset[str]  # casefolded: a typo must not hit another note by chance

    def notes(self) -> Iterator[SynthNote]:
        """Every note's text, in order; the same plan always gives the same texts."""
        return (_note(self, i) for i in range(len(self.paths)))


def plan_vault(*, notes: int, seed: int = 0) -> SynthVault:
    """Fix the folders, note paths, attachments and link popularity of a vault."""
    rng = random.Random(seed)
    folders = _folders(rng, len(_TOP) + max(8, notes // 40))
    paths = tuple(_note_paths(rng, notes, folders))
    attachments = tuple(_attachments(rng, max(2, notes // 8)))
    ranked = list(range(notes))
    rng.shuffle(ranked)
    # Weights 1/(rank+1): the note of rank r is linked about 1/r as often as the top hub.
    cumulative = tuple(itertools.accumulate(1.0 / (rank + 1) for rank in range(notes)))
    titles = tuple(posixpath.basename(path)[:-3] for path in paths)
    keys = frozenset(title.casefold() for title in titles)
    return SynthVault(seed, paths, attachments, folders, tuple(ranked), cumulative, titles, keys)


def generate(root: Path, *, notes: int = 1000, seed: int = 0) -> None:
    """Write a vault of ``notes`` notes under ``root``; the same arguments give the same files.

    Large vaults are written by one process per core: each note's text depends only on the plan
    and its own random stream, so who writes it changes nothing.
    """
    plan = _plan(notes, seed)
    for folder in sorted({posixpath.dirname(p) for p in (*plan.paths, *plan.attachments)}):
        (root / folder).mkdir(parents=True, exist_ok=True)
    for attachment in plan.attachments:
        (root / attachment).write_bytes(_PDF if attachment.endswith(".pdf") else _PNG)
    _write_boards(root, plan)
    chunks = [
        (root, notes, seed, start, min(start + _CHUNK, notes)) for start in range(0, notes, _CHUNK)
    ]
    workers = min(os.cpu_count() or 1, len(chunks))
    if workers < 2:
        for chunk in chunks:
            _write_notes(*chunk)
        return
    with ProcessPoolExecutor(workers) as pool:
        for _ in pool.map(_write_notes, *zip(*chunks, strict=True)):
            pass


_CHUNK = 2000
# A board per this many notes (at least one), and an attachment nothing uses per this many.
_NOTES_PER_BOARD = 1000
_NOTES_PER_UNUSED = 500


def _write_boards(root: Path, plan: SynthVault) -> None:
    """A few canvases that show notes (file cards) and link them from a text card, every
    reference resolving; and a few attachments nothing uses (for unused-attachment)."""
    rng = random.Random(f"boards-{plan.seed}")
    (root / "boards").mkdir(exist_ok=True)
    for board in range(max(1, len(plan.paths) // _NOTES_PER_BOARD)):
        shown = rng.sample(plan.paths, min(6, len(plan.paths)))
        cards: list[dict[str, object]] = [
            {
                "id": f"f{k}",
                "type": "file",
                "file": path,
                "x": 420 * k,
                "y": 0,
                "width": 400,
                "height": 300,
            }
            for k, path in enumerate(shown)
        ]
        linked = " and ".join(f"[[{path[:-3]}]]" for path in shown[:3])
        cards.append(
            {
                "id": "t",
                "type": "text",
                "text": f"# Board {board}\n\nStart with {linked}.",
                "x": 0,
                "y": 400,
                "width": 400,
                "height": 200,
            }
        )
        edges = [{"id": "e0", "fromNode": "f0", "toNode": "t"}]
        data = json.dumps({"nodes": cards, "edges": edges}, indent="\t")
        (root / "boards" / f"Board {board}.canvas").write_text(data + "\n", encoding="utf-8")
    for k in range(max(1, len(plan.paths) // _NOTES_PER_UNUSED)):
        (root / "assets").mkdir(exist_ok=True)
        (root / "assets" / f"unused-{k}.png").write_bytes(_PNG)


@lru_cache(maxsize=2)
def _plan(notes: int, seed: int) -> SynthVault:
    return plan_vault(notes=notes, seed=seed)


def _write_notes(root: Path, notes: int, seed: int, start: int, stop: int) -> None:
    plan = _plan(notes, seed)
    for i in range(start, stop):
        note = _note(plan, i)
        (root / note.path).write_bytes(note.text.encode("utf-8"))


# --- the plan ---------------------------------------------------------------------------------


def _folders(rng: random.Random, count: int) -> tuple[str, ...]:
    """A folder tree up to four levels deep; some folders grow many subfolders."""
    folders = list(_TOP)
    seen = {f.casefold() for f in folders}
    while len(folders) < count:
        parent = rng.choice(folders)
        if parent.count("/") >= 3:
            continue
        name = rng.choice(_SUB)
        if rng.random() < 0.5:
            name = f"{name} {rng.choice(_TITLE_WORDS)}"
        folder = f"{parent}/{name}"
        if folder.casefold() not in seen:
            seen.add(folder.casefold())
            folders.append(folder)
    return tuple(folders)


def _note_paths(rng: random.Random, count: int, folders: Sequence[str]) -> Iterator[str]:
    """Unique titles (Obsidian links by title, so no two notes share one) in the folders."""
    taken: set[str] = set()
    for _ in range(count):
        words = 2
        while True:
            title = " ".join(w[0].upper() + w[1:] for w in rng.sample(_TITLE_WORDS, words))
            if title.casefold() not in taken:
                break
            words = 3 if words == 2 else words + (rng.random() < 0.2)
        taken.add(title.casefold())
        folder = "" if rng.random() < 0.05 else rng.choice(folders)
        yield f"{folder}/{title}.md" if folder else f"{title}.md"


def _attachments(rng: random.Random, count: int) -> Iterator[str]:
    for k in range(count):
        folder = "assets" if rng.random() < 0.7 else f"{rng.choice(_TOP)}/attachments"
        if rng.random() < 0.05:
            yield f"{folder}/{rng.choice(_TITLE_WORDS).title()} spec {k:04d}.pdf"
        else:
            yield f"{folder}/{rng.choice(_IMAGE_KINDS)} {k:04d}.png"


def _folder(path: str) -> str:
    return posixpath.dirname(path)


@lru_cache(maxsize=16384)
def _outline(seed: int, i: int) -> _Outline:
    rng = random.Random(_stream(seed, i, _OUTLINE))
    headings = tuple(rng.sample(_HEADINGS, rng.randint(3, 8)))
    levels = [2]
    for _ in headings[1:]:
        levels.append(min(4, rng.choice((2, levels[-1], levels[-1] + 1))))
    parents = []
    for k, level in enumerate(levels):
        above = (j for j in range(k - 1, -1, -1) if levels[j] < level)
        parents.append(next(above, -1))
    blocks = {f"{rng.getrandbits(24):06x}" for _ in range(rng.choice((0, 0, 1, 1, 2, 3)))}
    return _Outline(headings, tuple(levels), tuple(parents), tuple(sorted(blocks)))


def _stream(seed: int, i: int, channel: int) -> int:
    return (seed * (1 << 40) + i) * 4 + channel


# --- one note ---------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Prose:
    phrases: tuple[tuple[str, ...], ...]  # phrases[n]: phrases of n words
    sentences: tuple[str, ...]
    paragraphs: tuple[str, ...]


@lru_cache(maxsize=1)
def _prose() -> _Prose:
    """Prose drawn once from a fixed seed: picking a sentence is far cheaper than drawing words.

    The vault's seed still decides which note says what, and markdown-it's work is the same.
    """
    rng = random.Random(0)
    phrases = tuple(
        tuple(" ".join(rng.choices(_PROSE_WORDS, k=n)) for _ in range(256)) for n in range(17)
    )
    sentences = []
    for _ in range(4096):
        text = rng.choice(phrases[rng.randint(6, 16)])
        if rng.random() < 0.15:
            text += f" **{rng.choice(phrases[rng.randint(1, 3)])}**"
        if rng.random() < 0.1:
            text += f" `{rng.choice(_PROSE_WORDS)}()`"
        sentences.append(text[0].upper() + text[1:] + rng.choice(".....?!"))
    paragraphs = (" ".join(rng.choices(sentences, k=rng.randint(2, 5))) for _ in range(4096))
    return _Prose(phrases, tuple(sentences), tuple(paragraphs))


@dataclass(frozen=True, slots=True)
class _Block:
    text: str
    expected: Expected = _NOTHING


class _Writer:
    """Draws one note's blocks from its own random stream."""

    def __init__(self, plan: SynthVault, i: int) -> None:
        self.plan = plan
        self.i = i
        self.path = plan.paths[i]
        self.rng = random.Random(_stream(plan.seed, i, _TEXT))
        self.prose = _prose()

    # Draws: random.Random's own choice() and randint() cost several times more.

    def between(self, low: int, high: int) -> int:
        return low + int(self.rng.random() * (high - low + 1))

    def pick(self, items: Sequence[_T]) -> _T:
        return items[int(self.rng.random() * len(items))]

    # Words and sentences, picked from pools of prose drawn once.

    def words(self, low: int, high: int) -> str:
        return self.pick(self.prose.phrases[self.between(low, high)])

    def sentence(self) -> str:
        return self.pick(self.prose.sentences)

    def paragraph(self) -> str:
        return self.pick(self.prose.paragraphs)

    # Links.

    def target(self) -> int:
        spot = self.rng.random() * self.plan.cumulative[-1]
        rank = min(bisect.bisect(self.plan.cumulative, spot), len(self.plan.ranked) - 1)
        return self.plan.ranked[rank]

    def link(self) -> tuple[str, Expected]:
        """One link to a note, written as people write them, and what it should resolve to."""
        rng = self.rng
        if rng.random() < BROKEN_LINK_RATE:
            return self.broken_link()
        j = self.target()
        path, title = self.plan.paths[j], self.plan.titles[j]
        found = Expected(links=1)
        form = rng.random()
        if form < 0.34:
            return f"[[{title}]]", found
        if form < 0.38:
            return f"[[{title.lower()}]]", found  # Obsidian resolves without regard to case
        if form < 0.53:
            return f"[[{title}|{self.words(1, 3)}]]", found
        if form < 0.63:
            subpath, ok = self.heading_subpath(j)
            shown = f"|{self.words(1, 2)}" if rng.random() < 0.3 else ""
            return f"[[{title}#{subpath}{shown}]]", found + _bad(ok)
        if form < 0.68:
            subpath, ok = self.block_subpath(j)
            return f"[[{title}#{subpath}]]", found + _bad(ok)
        if form < 0.78:
            written = path[:-3]
            if "/" in written and rng.random() < 0.3:
                written = written.split("/", 1)[1]  # a tail of the path matches as well
            shown = f"|{title}" if rng.random() < 0.5 else ""
            return f"[[{written}{shown}]]", found
        if form < 0.92:
            return self.markdown_link(j)
        if form < 0.96:
            outline = _outline(self.plan.seed, self.i)
            return f"[[#{self.pick(outline.headings)}]]", found
        return f"![[{title}]]", Expected(links=1, embeds=1)

    def broken_link(self) -> tuple[str, Expected]:
        broken = Expected(links=1, unresolved=1)
        title = self.plan.titles[self.target()]
        typo = title[:-2] + title[-1]  # a dropped letter: "Cluster Revew"
        if self.rng.random() < 0.5 and typo.casefold() not in self.plan.title_keys:
            return f"[[{typo}]]", broken
        name = f"{self.words(1, 2).title()} {self.between(1, 999)}"
        if self.rng.random() < 0.2:
            return f"[{self.words(1, 2)}]({quote(name)}.md)", broken
        return f"[[{name}]]", broken

    def heading_subpath(self, j: int) -> tuple[str, bool]:
        outline = _outline(self.plan.seed, j)
        if self.rng.random() < BROKEN_SUBPATH_RATE:
            return f"{self.pick(_HEADINGS)} {self.between(2, 99)}", False
        k = self.rng.randrange(len(outline.headings))
        parent = outline.parents[k]
        if parent >= 0 and self.rng.random() < 0.3:
            return f"{outline.headings[parent]}#{outline.headings[k]}", True
        return outline.headings[k], True

    def block_subpath(self, j: int) -> tuple[str, bool]:
        outline = _outline(self.plan.seed, j)
        if not outline.blocks:
            return self.heading_subpath(j)
        if self.rng.random() < BROKEN_SUBPATH_RATE:
            return f"^{self.rng.getrandbits(24):06x}x", False
        return f"^{self.pick(outline.blocks)}", True

    def markdown_link(self, j: int) -> tuple[str, Expected]:
        """``[text](Folder/Note%20Name.md)``: percent-encoded, sometimes relative or <bracketed>."""
        rng = self.rng
        path = self.plan.paths[j]
        found = Expected(links=1)
        if rng.random() < 0.25:
            path = posixpath.relpath(path, _folder(self.path) or ".")
        subpath = ""
        if rng.random() < 0.2:
            subpath, ok = self.heading_subpath(j)
            found += _bad(ok)
        text = self.words(1, 3)
        if rng.random() < 0.1:
            return f"[{text}](<{path}{'#' if subpath else ''}{subpath}>)", found
        fragment = f"#{quote(subpath)}" if subpath else ""
        return f"[{text}]({quote(path)}{fragment})", found

    def embed(self) -> tuple[str, Expected]:
        rng = self.rng
        missing = rng.random() < MISSING_ATTACHMENT_RATE
        if missing:
            name = f"Pasted image 2024{self.between(1, 12):02d}{self.between(10**7, 10**8):d}.png"
            path = f"assets/{name}"
        else:
            path = self.pick(self.plan.attachments)
            name = posixpath.basename(path)
        found = Expected(links=1, embeds=1, unresolved=int(missing))
        if name.endswith(".pdf"):
            return f"![[{name}#page={self.between(1, 9)}]]", found
        form = rng.random()
        if form < 0.6:
            return f"![[{name}]]", found
        if form < 0.75:
            return f"![[{name}|{self.pick((200, 300, 400, 640))}]]", found
        return f"![{self.words(0, 2)}]({quote(path)})", found

    def tag(self) -> str:
        return self.pick(_TAGS)

    # Blocks.

    def link_paragraph(self, links: int) -> _Block:
        """Sentences with links (and now and then a tag) inside them."""
        parts, expected = [], _NOTHING
        for _ in range(links):
            link, found = self.link()
            parts.append(f"{self.sentence()[:-1]} {link} {self.words(1, 6)}.")
            expected += found
        if self.rng.random() < 0.3:
            parts.append(f"{self.words(3, 8).capitalize()} #{self.tag()} {self.words(2, 5)}.")
            expected += Expected(tags=1)
        return _Block(" ".join(parts), expected)

    def bullet_list(self, links: int) -> _Block:
        """A list with links, tasks and a nested level; some items left empty, as templates do."""
        rng, items, expected = self.rng, [], _NOTHING
        for k in range(max(links, self.between(2, 6))):
            if k < links:
                link, found = self.link()
                text = f"{self.words(2, 6).capitalize()} {link}"
                expected += found
            else:
                text = self.words(3, 10).capitalize()
            items.append(("- [ ] " if rng.random() < 0.1 else "- ") + text)
            if rng.random() < 0.15:
                items.append(f"    - {self.words(3, 8)}")
        if rng.random() < 0.3:
            # Before a top-level item or at the end: before a nested one it would be its parent.
            spots = [k for k, item in enumerate(items) if item.startswith("-")] + [len(items)]
            items.insert(self.pick(spots[1:]), "- ")
            expected += Expected(empty_bullets=1)
        return _Block("\n".join(items), expected)

    def map_of_content(self, links: int, room: int) -> _Block:
        """A hub's list of links, one per bullet, as long as ``room`` bytes allow."""
        items, expected, size = [], _NOTHING, -1
        for _ in range(links):
            link, found = self.link()
            if size + _bytes(link) + 3 > room:
                break
            items.append(f"- {link}")
            expected += found
            size += _bytes(link) + 3
        return _Block("\n".join(items), expected)

    def embed_block(self) -> _Block:
        embed, found = self.embed()
        if self.rng.random() < 0.6:
            return _Block(embed, found)
        return _Block(f"{self.sentence()[:-1]}: {embed}", found)

    def code_block(self) -> _Block:
        """A fenced block full of what would be links and tags outside it."""
        rng, lines = self.rng, []
        for _ in range(self.between(3, 9)):
            j = self.target()
            title = self.plan.titles[j]
            kind = self.between(0, 5)
            if kind == 0:
                line = f"# [[{title}]] #not-a-tag"
            elif kind == 1:
                image = posixpath.basename(self.pick(self.plan.attachments))
                line = f"- [[{title}|Not A Link]] ![[{image}]]"
            elif kind == 2:
                line = f"[fake]({quote(self.plan.paths[j])}) #{self.tag()}"
            elif kind == 3:
                line = f"#include <{self.pick(_PROSE_WORDS)}.h>  // [[Not A Link]]"
            elif kind == 4:
                line = f'echo "#{self.tag()} [[{title}#{_HEADINGS[0]}]]"'
            else:
                line = f"value = {self.between(0, 999)}  # {self.words(2, 6)}"
            lines.append(line)
        fence = "~~~" if rng.random() < 0.1 else "```"
        body = "\n".join(lines)
        return _Block(f"{fence}{self.pick(_CODE_LANGUAGES)}\n{body}\n{fence}")

    def inline_decoys(self) -> _Block:
        """Code spans and comments with links in them, and text that only looks like a tag."""
        title = self.plan.titles[self.target()]
        pick = self.rng.random()
        if pick < 0.4:
            return _Block(f"{self.sentence()[:-1]}, written `[[{title}]]` or `#{self.tag()}`.")
        if pick < 0.7:
            return _Block(f"{self.sentence()} %% [[{title}]] #{self.tag()} %% {self.sentence()}")
        if pick < 0.8:
            return _Block(f"<!-- [[{title}]] #{self.tag()} -->")
        return _Block(f"{self.sentence()} {self.pick(_DECOYS)}")

    def table(self) -> _Block:
        rows, expected = ["| Topic | Note |", "| --- | --- |"], _NOTHING
        for _ in range(self.between(2, 4)):
            link, found = self.link()
            if link.startswith(("[[", "![[")) and "|" in link:
                link = link.replace("|", "\\|")  # a pipe in a cell is written \|
            rows.append(f"| {self.words(1, 3)} | {link} |")
            expected += found
        return _Block("\n".join(rows), expected)

    def callout(self) -> _Block:
        link, found = self.link()
        kind = self.pick(("note", "tip", "warning", "info"))
        return _Block(f"> [!{kind}] {self.words(1, 3)}\n> {self.sentence()[:-1]} {link}.", found)

    def block_id_paragraph(self, block: str) -> _Block:
        return _Block(f"{self.paragraph()} ^{block}")


def _bad(ok: bool) -> Expected:
    return _NOTHING if ok else Expected(bad_subpaths=1)


class _Page:
    """A note's blocks by section, and its exact size in bytes as they will be joined."""

    def __init__(self, rng: random.Random, head: list[_Block], outline: _Outline) -> None:
        self.rng = rng
        self.head = head
        self.headings = [
            _Block(f"{'#' * level} {text}")
            for text, level in zip(outline.headings, outline.levels, strict=True)
        ]
        self.sections: list[list[_Block]] = [[] for _ in outline.headings]
        # Blocks are joined by a blank line and the note ends with a newline.
        self.size = sum(_bytes(b.text) + 2 for b in (*head, *self.headings)) - 1

    def add(
        self, block: _Block, limit: int, *, section: int | None = None, first: bool = False
    ) -> bool:
        """Put ``block`` in a section (random by default) if the note stays within ``limit``."""
        cost = _bytes(block.text) + 2
        if not block.text or self.size + cost > limit:
            return False
        body = self.sections[
            int(self.rng.random() * len(self.sections)) if section is None else section
        ]
        body.insert(0, block) if first else body.append(block)
        self.size += cost
        return True

    def note(self, path: str) -> SynthNote:
        blocks = list(self.head)
        for heading, body in zip(self.headings, self.sections, strict=True):
            blocks += [heading, *body]
        expected = sum((b.expected for b in blocks), _NOTHING)
        return SynthNote(path, "\n\n".join(b.text for b in blocks) + "\n", expected)


def _note(plan: SynthVault, i: int) -> SynthNote:
    w = _Writer(plan, i)
    rng = w.rng
    # A little above MIN_BYTES, so that padding which cannot end exactly still reaches it.
    budget = int(rng.triangular(MIN_BYTES + 60, MAX_BYTES, MODE_BYTES))
    head = [_frontmatter(w)] if rng.random() < 0.85 else []
    if rng.random() < 0.7:
        head.append(_Block(f"# {plan.titles[i]}"))
    page = _Page(rng, head, _outline(plan.seed, i))
    # Links and what they point at come first, up to MAX_BYTES; the rest fills up to the budget.
    for block_id in _outline(plan.seed, i).blocks:
        page.add(w.block_id_paragraph(block_id), MAX_BYTES)
    out = min(int(3 * rng.paretovariate(1.4)), _MAX_OUT_LINKS)
    hub = out - 8 if out >= _MOC_FROM else 0
    out -= hub
    while out > 0:
        take = min(out, w.between(1, 3))
        block = w.link_paragraph(take) if rng.random() < 0.75 else w.bullet_list(take)
        page.add(block, MAX_BYTES)
        out -= take
    for _ in range(w.pick((0, 0, 1, 1, 2, 3))):
        page.add(w.embed_block(), MAX_BYTES)
    if hub:
        page.add(w.map_of_content(hub, MAX_BYTES - page.size - 2), MAX_BYTES, section=0)
    optional = [
        (0.4, w.code_block),
        (0.25, w.inline_decoys),
        (0.3, lambda: w.bullet_list(0)),
        (0.06, w.table),
        (0.08, w.callout),
    ]
    for chance, make in optional:
        if rng.random() < chance:
            page.add(make(), budget)
    while page.size < budget:
        if not page.add(_Block(_trim(w.paragraph(), budget - page.size - 2)), budget, first=True):
            break
    return page.note(w.path)


def _frontmatter(w: _Writer) -> _Block:
    rng, lines, expected = w.rng, ["---"], _NOTHING
    if rng.random() < 0.3:
        # Title words: a prose word alone might be YAML's "on" or "no", a boolean.
        aliases = [" ".join(rng.sample(_TITLE_WORDS, 2)).title() for _ in range(w.between(1, 2))]
        lines.append(f"aliases: [{', '.join(aliases)}]")
    tags = sorted({w.tag() for _ in range(w.between(0, 4))})
    if tags and rng.random() < 0.5:
        lines.append(f"tags: [{', '.join(tags)}]")
    elif tags:
        lines += ["tags:", *(f"  - {tag}" for tag in tags)]
    expected += Expected(tags=len(tags))
    year, month, day = w.between(2019, 2025), w.between(1, 12), w.between(1, 28)
    lines.append(f"created: {year}-{month:02d}-{day:02d}")
    lines.append(f"status: {w.pick(('draft', 'active', 'done', 'someday'))}")
    if rng.random() < 0.4:
        link, found = w.link()
        while not link.startswith("[[") or link.startswith("[[#"):  # a wikilink to another note
            link, found = w.link()
        lines.append(f'related: "{link}"')
        expected += found
    lines.append("---")
    return _Block("\n".join(lines), expected)


def _bytes(text: str) -> int:
    return len(text) if text.isascii() else len(text.encode("utf-8"))


def _trim(text: str, room: int) -> str:
    """``text`` cut at a word so that it takes at most ``room`` bytes ("" if little would fit)."""
    if _bytes(text) <= room:
        return text
    if room < 40:
        return ""
    cut = text.encode("utf-8")[: room - 1].decode("utf-8", "ignore").rsplit(" ", 1)[0]
    return cut.rstrip(" ,*`") + "."


# --- the command line -------------------------------------------------------------------------


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.synth", description="Write a deterministic synthetic vault."
    )
    parser.add_argument("out", type=Path, help="folder to create (must not exist or be empty)")
    parser.add_argument("--notes", type=int, default=1000, help="how many notes (default 1000)")
    parser.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    args = parser.parse_args(argv)
    out: Path = args.out
    if args.notes < 1 or args.seed < 0:
        parser.error("--notes must be at least 1 and --seed at least 0")
    if out.exists() and (not out.is_dir() or any(out.iterdir())):
        parser.error(f"{out} exists and is not an empty folder")
    start = time.perf_counter()
    generate(out, notes=args.notes, seed=args.seed)
    elapsed = time.perf_counter() - start
    size = sum(f.stat().st_size for f in out.rglob("*") if f.is_file())
    print(f"wrote {args.notes} notes ({size / 1e6:.1f} MB) to {out} in {elapsed:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
