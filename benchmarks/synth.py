"""A deterministic synthetic vault: nested folders, power-law links, tags, embeds, broken links."""

from __future__ import annotations

import itertools
import random
from pathlib import Path

__all__ = ["generate"]

_TOP = ("Projects", "Areas", "Resources", "Archive", "Journal", "People", "Concepts", "Meetings")
_SUB = ("alpha", "beta", "gamma", "delta", "epsilon", "zeta")
_WORDS: tuple[str, ...] = ("cluster", "node", "service", "pod", "image", "queue", "cache", "index")
_WORDS += ("shard", "event", "metric", "alert", "trace", "log", "budget", "plan", "review", "draft")
_TAGS: tuple[str, ...] = ("status/active", "status/done", "status/idea", "area/work", "area/home")
_TAGS += ("area/study", "type/howto", "type/ref", "type/log", "topic/cloud", "topic/data")
_TAGS += ("topic/ml", "topic/ops", "topic/security", "topic/web", "people")
# A 1x1 transparent PNG: attachments are real files, never read by the map.
_PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360000002000001e221bc330000000049454e44ae426082"
)


def generate(root: Path, *, notes: int = 1000, seed: int = 0) -> None:
    """Write a vault of ``notes`` notes under ``root``; the same arguments give the same files.

    Link targets follow a Zipf law (a few hubs, a long tail), as in real vaults; about one link in
    fifty is unresolved and one note in forty embeds an image.
    """
    rng = random.Random(seed)
    paths = [_note_path(rng, i) for i in range(notes)]
    images = [f"assets/img-{i:04d}.png" for i in range(max(1, notes // 40))]
    # Weights 1/(rank+1): target rank r is drawn about 1/r as often as the first.
    cumulative = list(itertools.accumulate(1.0 / (rank + 1) for rank in range(notes)))
    for i, path in enumerate(paths):
        text = _note_text(rng, i, paths, images, cumulative)
        file = root / path
        file.parent.mkdir(parents=True, exist_ok=True)
        file.write_text(text, encoding="utf-8")
    (root / "assets").mkdir(parents=True, exist_ok=True)
    for image in images:
        (root / image).write_bytes(_PNG)


def _note_path(rng: random.Random, i: int) -> str:
    depth = rng.choice((0, 1, 1, 2, 2, 3))
    folders = [rng.choice(_TOP)] + [rng.choice(_SUB) for _ in range(depth - 1)] if depth else []
    name = f"{' '.join(rng.choice(_WORDS) for _ in range(2)).title()} {i:05d}.md"
    return "/".join([*folders, name])


def _note_text(
    rng: random.Random, i: int, paths: list[str], images: list[str], cumulative: list[float]
) -> str:
    tags = sorted(set(rng.choices(_TAGS, k=rng.choice((0, 1, 1, 2, 3)))))
    lines = ["---", f"tags: [{', '.join(tags)}]", "---", ""] if tags else []
    lines.append(f"# {paths[i].rsplit('/', 1)[-1][:-3]}")
    lines.append("")
    # Out-degree is heavy-tailed too: most notes link a little, a few link a lot.
    out = min(int(rng.paretovariate(1.5)) + 1, 60)
    for _ in range(out):
        target = rng.choices(range(len(paths)), cum_weights=cumulative)[0]
        words = " ".join(rng.choice(_WORDS) for _ in range(rng.randint(3, 10)))
        if rng.random() < 0.02:
            lines.append(f"{words} [[Missing {rng.randint(0, 200)}]].")
        else:
            lines.append(f"{words} [[{paths[target].rsplit('/', 1)[-1][:-3]}]].")
    if rng.random() < 0.025:
        lines.append(f"![[{rng.choice(images).rsplit('/', 1)[-1]}]]")
    if rng.random() < 0.3:
        lines.append(f"Also #{rng.choice(_TAGS)} here.")
    return "\n".join(lines) + "\n"
