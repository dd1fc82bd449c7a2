"""Time ``vaultgraph check`` and ``export`` against the floor: ``python -m benchmarks.bench``.

Every measured command is a fresh process (``sys.executable`` running vaultgraph's command line)
with ``VAULTGRAPH_CACHE_DIR`` pointing at a folder this script owns, so a cold run really is cold.
The scenarios run round-robin, one run of each per round, so that whatever else the machine is
doing slows them all alike; each is reported as the median, min and max of its runs, with the ratio
of its median to the floor's (a process that only reads every file of the vault).

The ``markdown-it`` scenario is the yardstick for the cold check: one process that reads the same
notes and parses each with markdown-it-py's plain CommonMark parser (GFM tables enabled); the
report gives ``check --no-cache``'s median over its median.

With ``--baseline DIR`` every scenario also runs with the vaultgraph of another checkout (``DIR``
first on ``PYTHONPATH``, its own cache folder), in the same rounds, so that two versions are
compared side by side: each median, and the ratio of this one's to the baseline's.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Any

import vaultgraph
from benchmarks.synth import GENERATOR_VERSION, generate
from vaultgraph.files import scan_vault
from vaultgraph.store import cache_file

# Runs in each measured process: the floor, or vaultgraph's command line in-process (exactly what
# `python -m vaultgraph` runs). At exit it writes its own peak RSS and that of its largest child
# (a parse worker) to the file named by argv[1], and which vaultgraph it imported: with a
# baseline, two packages of that name are on offer and only the import path tells them apart.
# Registered first, the hook runs last: after multiprocessing and concurrent.futures have joined
# their workers, so their peaks are counted.
# Its own peak is read from VmHWM: Linux's ru_maxrss survives exec, so it would report the RSS of
# the benchmark process that started it whenever that was larger.
_MEASURED = """
import atexit, json, os, resource, sys

def _peaks():
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    try:
        with open("/proc/self/status") as status:
            own = next(int(line.split()[1]) for line in status if line.startswith("VmHWM:"))
    except (OSError, StopIteration, ValueError):
        pass
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    module = sys.modules.get("vaultgraph")
    imported = module and {"file": module.__file__, "version": getattr(module, "__version__", "")}
    with open(sys.argv[1], "w") as out:
        json.dump({"own_kib": own, "children_kib": children, "vaultgraph": imported}, out)

atexit.register(_peaks)
if sys.argv[2] == "--floor":
    size = 0
    for folder, _, files in os.walk(sys.argv[3]):
        for name in files:
            with open(os.path.join(folder, name), "rb") as file:
                size += len(file.read())
    code = 0
elif sys.argv[2] == "--markdown-it":
    from markdown_it import MarkdownIt
    md = MarkdownIt("commonmark").enable("table")
    with open(sys.argv[3], encoding="utf-8") as listing:
        root, notes = json.load(listing)
    for note in notes:
        with open(os.path.join(root, note), "rb") as file:
            md.parse(file.read().decode("utf-8", "replace"))
    code = 0
else:
    from vaultgraph.cli import main
    code = main(sys.argv[2:])
sys.exit(code)
"""
SCENARIOS = (
    "floor",
    "startup",
    "markdown-it",
    "no-cache",
    "cold",
    "warm",
    "warm-json",
    "export",
    "touched",
    "moved",
)
# What check --no-cache is measured against: markdown-it-py alone, parsing the same notes.
_YARDSTICK, _YARDSTICK_NAME = "markdown-it", "markdown-it-py alone"
# check exits 1 when it reports findings, and the synthetic vault always has some.
_CHECK_OK = (0, 1)
_OK = (0,)
# The folder holding the vaultgraph package this script imported: "this" version.
_ROOT = Path(vaultgraph.__file__).resolve().parent.parent


@dataclass(frozen=True, slots=True)
class Sample:
    seconds: float
    own_kib: int  # peak RSS of the measured process
    children_kib: int  # peak RSS of its largest child process (0 without workers)

    @property
    def peak_kib(self) -> int:
        return max(self.own_kib, self.children_kib)


@dataclass(frozen=True)
class Version:
    """One vaultgraph that the measured processes run, with a cache folder of its own."""

    label: str  # "this" or "baseline"
    root: Path  # the folder holding its vaultgraph/ package, first on its runs' PYTHONPATH
    cache: Path  # its VAULTGRAPH_CACHE_DIR: a cache of one version means nothing to another
    env: dict[str, str]


@dataclass(frozen=True)
class Scenario:
    key: str  # what --only calls it
    name: str
    command: str  # as a person would type it
    argv: tuple[str, ...]  # after ``python -c <measured>  <peaks file>``
    accept: tuple[int, ...]
    prepare: Callable[[Version], None] = lambda version: None
    # Entered before the run and left after it, outside the timing: touch a note, then restore it.
    around: Callable[[], AbstractContextManager[None]] | None = None
    versioned: bool = True  # False for the floor, which runs no vaultgraph: once per round


@dataclass(frozen=True)
class Summary:
    name: str
    command: str
    median_s: float
    min_s: float
    max_s: float
    ratio_to_floor: float
    peak_mb: float  # the largest process in any run
    peak_in: str  # "main" or "worker": which process it was
    samples: list[float] = field(default_factory=list)
    baseline: Summary | None = None  # the same scenario run with the baseline, if any
    ratio_to_baseline: float | None = None  # this median over the baseline's
    # check --no-cache only: its median over markdown-it-py's alone (the markdown-it scenario)
    ratio_to_markdown_it: float | None = None


@dataclass(frozen=True)
class Machine:
    cores: int
    cpu: str
    python: str
    platform: str
    vaultgraph: str


@dataclass(frozen=True)
class Checkout:
    """Which vaultgraph a version is, for whoever quotes the numbers."""

    version: str  # its __version__
    source: str  # the folder its package was imported from
    commit: str  # git's short HEAD there, "" when it is no git checkout
    changed: bool  # its vaultgraph/ differs from that commit (uncommitted or untracked files)
    findings: int  # what its check reports on the vault


@dataclass(frozen=True)
class VaultInfo:
    origin: str
    notes: int
    files: int
    megabytes: float
    findings: int  # what check reports on it


@dataclass(frozen=True)
class Report:
    machine: Machine
    vault: VaultInfo
    runs: int
    no_cache_flag: bool  # whether every version's check has --no-cache (that scenario needs it)
    load: tuple[float, float]  # 1-minute load average before and after: others' work shows here
    scenarios: list[Summary]
    vaultgraph: Checkout
    baseline: Checkout | None = None


class BenchmarkError(Exception):
    """A measured command failed; the benchmark's numbers would mean nothing."""


def main(argv: Sequence[str] | None = None) -> int:
    args = _arguments(argv)
    with tempfile.TemporaryDirectory(prefix="vaultgraph-bench-") as scratch_dir:
        scratch = Path(scratch_dir)
        try:
            with _vault(args, scratch) as (vault, origin):
                report = _benchmark(vault, origin, scratch, args.runs, args.only, args.baseline)
        except BenchmarkError as error:
            print(f"benchmark failed: {error}", file=sys.stderr)
            return 1
    print(json.dumps(asdict(report), indent=2) if args.json else _table(report))
    return 0


def _arguments(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.bench", description=__doc__.splitlines()[0]
    )
    parser.add_argument("--notes", type=int, default=10_000, help="synthetic vault size")
    parser.add_argument("--seed", type=int, default=0, help="synthetic vault seed")
    parser.add_argument("--runs", type=int, default=5, help="runs of each scenario (default 5)")
    parser.add_argument(
        "--vault",
        type=Path,
        help="benchmark this vault instead (copied first: one scenario writes to a note)",
    )
    parser.add_argument(
        "--keep",
        action="store_true",
        help=f"keep the generated vault in {_CACHE} for later runs (it is reused if there)",
    )
    parser.add_argument(
        "--only",
        type=_keys,
        default=SCENARIOS,
        metavar="KEYS",
        help=f"run only these scenarios, comma-separated, of {','.join(SCENARIOS)} (the floor"
        " always runs, and markdown-it with no-cache; without cold, a warm run after a touched"
        " one parses that note again)",
    )
    parser.add_argument(
        "--baseline",
        type=Path,
        metavar="DIR",
        help="also run every scenario with the vaultgraph of this checkout (a folder holding a"
        " vaultgraph/ package, e.g. a git worktree), in the same rounds, and compare",
    )
    parser.add_argument("--json", action="store_true", help="print the results as JSON")
    args = parser.parse_args(argv)
    if args.runs < 1 or args.notes < 1:
        parser.error("--runs and --notes must be at least 1")
    if args.vault is not None and not args.vault.is_dir():
        parser.error(f"{args.vault} is not a folder")
    if args.baseline is not None:
        if not (args.baseline / "vaultgraph" / "__init__.py").is_file():
            parser.error(
                f"--baseline {args.baseline} holds no vaultgraph/ package: give the root of a"
                " checkout of vaultgraph's source"
            )
        args.baseline = args.baseline.resolve()
    return args


def _keys(text: str) -> tuple[str, ...]:
    keys = tuple(key.strip() for key in text.split(",") if key.strip())
    unknown = [key for key in keys if key not in SCENARIOS]
    if unknown:
        raise argparse.ArgumentTypeError(f"unknown scenario {', '.join(unknown)}")
    # check --no-cache's ratio to markdown-it-py alone means something only in the same rounds.
    return ("floor", *keys, *((_YARDSTICK,) if "no-cache" in keys else ()))


# --- the vault ---------------------------------------------------------------------------------

_CACHE = Path(tempfile.gettempdir()) / "vaultgraph-bench"


@contextmanager
def _vault(args: argparse.Namespace, scratch: Path) -> Iterator[tuple[Path, str]]:
    """The vault to measure and a line saying where it came from."""
    if args.vault is not None:
        copy = scratch / "vault"
        _say(f"copying {args.vault} ...")
        shutil.copytree(args.vault, copy, symlinks=True)
        yield copy, f"{args.vault} (a copy)"
        return
    name = f"synth-{args.notes}-seed{args.seed}-v{GENERATOR_VERSION}"
    cached, done = _CACHE / name, _CACHE / f"{name}.done"
    origin = f"synthetic, benchmarks/synth.py --notes {args.notes} --seed {args.seed}"
    if done.exists():
        _say(f"reusing {cached}")
        yield cached, origin
        return
    target = cached if args.keep else scratch / "vault"
    shutil.rmtree(target, ignore_errors=True)  # an unfinished earlier generation
    _say(f"generating {args.notes} notes in {target} ...")
    start = time.perf_counter()
    generate(target, notes=args.notes, seed=args.seed)
    _say(f"generated in {time.perf_counter() - start:.1f} s")
    if args.keep:
        done.touch()
    yield target, origin


# --- the measurements --------------------------------------------------------------------------


def _benchmark(
    vault: Path,
    origin: str,
    scratch: Path,
    runs: int,
    only: Sequence[str],
    baseline: Path | None,
) -> Report:
    versions = [_version("this", _ROOT, scratch / "cache")]
    if baseline is not None:
        versions.append(_version("baseline", baseline, scratch / "cache-baseline"))
    # Before any long run: a baseline that imports the wrong vaultgraph fails here, in a second.
    releases = [_probe(version, scratch) for version in versions]
    flags = [_has_no_cache(version, scratch) for version in versions]

    def settle() -> None:
        # An untimed check per version: restoring the touched note changed its stamp, and each
        # version's caches must hold the vault as it is again, not only those of the one that ran.
        for version in versions:
            _run(("check", str(vault)), _CHECK_OK, version, scratch)

    scenarios = [s for s in _scenarios(vault, scratch, all(flags), settle) if s.key in only]
    findings = [_warm_up(vault, version, scratch) for version in versions]
    load_before = _load()
    samples = _rounds(scenarios, versions, runs, scratch)
    floor = statistics.median(s.seconds for s in samples["floor", "this"])
    notes, files, size = _vault_size(vault)
    checkouts = [
        _checkout(version, release, found)
        for version, release, found in zip(versions, releases, findings, strict=True)
    ]
    return Report(
        machine=_machine(),
        vault=VaultInfo(origin, notes, files, round(size / 1e6, 1), findings[0]),
        runs=runs,
        no_cache_flag=all(flags),
        load=(load_before, _load()),
        scenarios=_to_markdown_it(
            [_compare(s, samples, floor, baseline is not None) for s in scenarios]
        ),
        vaultgraph=checkouts[0],
        baseline=checkouts[1] if baseline is not None else None,
    )


def _rounds(
    scenarios: Sequence[Scenario], versions: Sequence[Version], runs: int, scratch: Path
) -> dict[tuple[str, str], list[Sample]]:
    """Every scenario once per round, each version in turn: first "this", then the baseline, and
    the other way round in the next round, so that neither always runs on the other's heels."""
    samples: dict[tuple[str, str], list[Sample]] = {}
    for round_ in range(1, runs + 1):
        order = versions if round_ % 2 else versions[::-1]
        for scenario in scenarios:
            for version in order if scenario.versioned else versions[:1]:
                scenario.prepare(version)
                sample = _measure(scenario, version, scratch)
                samples.setdefault((scenario.key, version.label), []).append(sample)
                who = f" {version.label:<8}" if len(versions) > 1 and scenario.versioned else ""
                line = f"{scenario.name:<34}{who} {sample.seconds:7.2f} s"
                _say(f"round {round_}/{runs}  {line}")
    return samples


def _scenarios(
    vault: Path, scratch: Path, has_no_cache: bool, settle: Callable[[], None]
) -> list[Scenario]:
    where = str(vault)
    # The notes vaultgraph reads, listed by vaultgraph, for markdown-it-py to parse alone.
    listing = scratch / "notes.json"
    notes = sorted(scan_vault(vault).notes)
    listing.write_text(json.dumps([where, notes]), encoding="utf-8")

    def empty_cache(version: Version) -> None:
        shutil.rmtree(version.cache, ignore_errors=True)
        version.cache.mkdir(mode=0o700)  # vaultgraph refuses a cache folder others can write

    touched = _TouchedNote(vault, settle)
    moved = _MovedVault(vault, scratch)
    found: list[Scenario] = [
        Scenario(
            "floor",
            "floor",
            f"read every file of {where}",
            ("--floor", where),
            _OK,
            versioned=False,
        ),
        Scenario("startup", "startup", "vaultgraph --version", ("--version",), _OK),
        Scenario(
            _YARDSTICK,
            _YARDSTICK_NAME,
            f'MarkdownIt("commonmark").enable("table").parse() on each of {len(notes)} notes',
            ("--markdown-it", str(listing)),
            _OK,
            versioned=False,
        ),
    ]
    if has_no_cache:
        found.append(
            Scenario(
                "no-cache",
                "check --no-cache",
                "vaultgraph check --no-cache",
                ("check", "--no-cache", where),
                _CHECK_OK,
            )
        )
    found += [
        Scenario(
            "cold",
            "check, cold (empty cache)",
            "vaultgraph check",
            ("check", where),
            _CHECK_OK,
            empty_cache,
        ),
        Scenario("warm", "check, warm", "vaultgraph check", ("check", where), _CHECK_OK),
        Scenario(
            "warm-json",
            "check, warm, json",
            "vaultgraph check --format json",
            ("check", "--format", "json", where),
            _CHECK_OK,
        ),
        Scenario(
            "export",
            "export json, warm",
            "vaultgraph export --format json -o /dev/null",
            ("export", where, "--format", "json", "-o", os.devnull),
            _OK,
        ),
        Scenario(
            "touched",
            "check, warm, one note touched",
            f"vaultgraph check (after appending a line to {touched.relpath})",
            ("check", where),
            _CHECK_OK,
            around=touched.around,
        ),
        Scenario(
            "moved",
            "check, the vault copied (same cache)",
            f"cp -r {where} COPY; vaultgraph check COPY",
            ("check", str(moved.copy)),
            _CHECK_OK,
            moved.prepare,
        ),
    ]
    return found


class _MovedVault:
    """A fresh copy of the vault before each run, as ``cp -r`` makes it (same bytes, new mtimes),
    always at the same place, with that place's own cache files removed: the copy meets only
    the original's caches, as a second worktree or a CI checkout would."""

    def __init__(self, vault: Path, scratch: Path) -> None:
        self.vault = vault
        self.copy = scratch / "moved" / vault.name

    def prepare(self, version: Version) -> None:
        shutil.rmtree(self.copy.parent, ignore_errors=True)
        shutil.copytree(self.vault, self.copy, symlinks=True, copy_function=shutil.copyfile)
        real = Path(os.path.realpath(self.copy))
        for kind in ("vault", "check"):
            cache_file(real, version.cache, kind).unlink(missing_ok=True)


class _TouchedNote:
    """One note, changed for one run (a line with a link appended) and then restored; then
    ``settle`` runs, so that the next scenario finds the caches as they were (a warm check after
    this one would otherwise re-check the restored note, not replay). With a baseline it settles
    both versions' caches: each version's touched run then meets one changed note, no more."""

    def __init__(self, vault: Path, settle: Callable[[], None]) -> None:
        self.settle = settle
        notes = sorted(p for p in vault.rglob("*.md") if p.is_file())
        if not notes:
            raise BenchmarkError(f"{vault} holds no notes")
        self.path = notes[len(notes) // 2]
        self.relpath = self.path.relative_to(vault).as_posix()
        self.other = notes[len(notes) // 3].stem

    @contextmanager
    def around(self) -> Iterator[None]:
        original = self.path.read_bytes()
        line = f"\nTouched by the benchmark at {time.time():.0f}: see [[{self.other}]].\n"
        self.path.write_bytes(original + line.encode("utf-8"))
        try:
            yield
        finally:
            self.path.write_bytes(original)
            self.settle()


def _measure(scenario: Scenario, version: Version, scratch: Path) -> Sample:
    if scenario.around is None:
        return _run(scenario.argv, scenario.accept, version, scratch)
    with scenario.around():
        return _run(scenario.argv, scenario.accept, version, scratch)


def _run(argv: Sequence[str], accept: Sequence[int], version: Version, scratch: Path) -> Sample:
    seconds, measured = _spawn(argv, accept, version, scratch)
    return Sample(seconds, int(measured["own_kib"]), int(measured["children_kib"]))


def _spawn(
    argv: Sequence[str], accept: Sequence[int], version: Version, scratch: Path
) -> tuple[float, dict[str, Any]]:
    """One measured process: its wall-clock time and what it wrote at exit, once it is known to
    have run this version's vaultgraph."""
    peaks = scratch / "peaks.json"
    peaks.unlink(missing_ok=True)
    command = [sys.executable, "-c", _MEASURED, str(peaks), *argv]
    start = time.perf_counter()
    done = subprocess.run(
        command, cwd=scratch, env=version.env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    seconds = time.perf_counter() - start
    if done.returncode not in accept:
        tail = done.stderr.decode("utf-8", "replace").strip().splitlines()[-5:]
        raise BenchmarkError(
            f"{' '.join(argv)} exited {done.returncode}: " + " / ".join(tail or ["no output"])
        )
    measured: dict[str, Any] = json.loads(peaks.read_text(encoding="utf-8"))
    imported = measured["vaultgraph"]
    expected = (version.root / "vaultgraph").resolve()
    if imported is not None and Path(imported["file"]).resolve().parent != expected:
        raise BenchmarkError(
            f"the {version.label} run of {' '.join(argv)} imported vaultgraph from"
            f" {Path(imported['file']).parent}, not {expected}: something on the import path"
            " comes before PYTHONPATH"
        )
    return seconds, measured


def _probe(version: Version, scratch: Path) -> str:
    """The version's ``__version__``, from a measured process that has shown where it imported
    vaultgraph from."""
    _, measured = _spawn(("--version",), _OK, version, scratch)
    if measured["vaultgraph"] is None:
        raise BenchmarkError(
            f"the {version.label} run of vaultgraph --version imported no vaultgraph"
        )
    return str(measured["vaultgraph"]["version"])


def _warm_up(vault: Path, version: Version, scratch: Path) -> int:
    """One untimed check: files in the page cache, imports compiled, and the findings counted."""
    _say(f"warm-up check ({version.label}) ...")
    done = subprocess.run(
        [sys.executable, "-m", "vaultgraph", "check", "--format", "json", str(vault)],
        cwd=scratch,
        env=version.env,
        capture_output=True,
    )
    if done.returncode not in _CHECK_OK:
        raise BenchmarkError(f"warm-up check exited {done.returncode}: {done.stderr[-500:]!r}")
    return len(json.loads(done.stdout))


def _has_no_cache(version: Version, scratch: Path) -> bool:
    done = subprocess.run(
        [sys.executable, "-m", "vaultgraph", "check", "--help"],
        cwd=scratch,
        env=version.env,
        capture_output=True,
        text=True,
    )
    return "--no-cache" in done.stdout


def _version(label: str, root: Path, cache: Path) -> Version:
    return Version(label, root, cache, _environment(cache, root))


def _environment(cache: Path, root: Path) -> dict[str, str]:
    """The child's environment: its cache folder, and the vaultgraph under root on the import path.

    PYTHONPATH's folders come before those of site-packages, and the editable install's finder
    is consulted after every folder, so root's vaultgraph is the one imported (``_spawn`` checks).
    Python may write bytecode, as it does for an installed package: a shell with
    PYTHONDONTWRITEBYTECODE set would otherwise compile every module on every run, some 0.1 s
    that no user pays.
    """
    cache.mkdir(mode=0o700, parents=True, exist_ok=True)  # not group-writable, whatever the umask
    paths = [str(root), *filter(None, os.environ.get("PYTHONPATH", "").split(os.pathsep))]
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    return {**env, "VAULTGRAPH_CACHE_DIR": str(cache), "PYTHONPATH": os.pathsep.join(paths)}


# --- the report --------------------------------------------------------------------------------


def _summarise(scenario: Scenario, samples: list[Sample], floor: float) -> Summary:
    times = [s.seconds for s in samples]
    largest = max(samples, key=lambda s: s.peak_kib)
    median = statistics.median(times)
    return Summary(
        name=scenario.name,
        command=scenario.command,
        median_s=round(median, 4),
        min_s=round(min(times), 4),
        max_s=round(max(times), 4),
        ratio_to_floor=round(median / floor, 2) if floor else 0.0,
        peak_mb=round(largest.peak_kib * 1024 / 1e6, 1),
        peak_in="worker" if largest.children_kib > largest.own_kib else "main",
        samples=[round(t, 4) for t in times],
    )


def _compare(
    scenario: Scenario,
    samples: dict[tuple[str, str], list[Sample]],
    floor: float,
    with_baseline: bool,
) -> Summary:
    this = _summarise(scenario, samples[scenario.key, "this"], floor)
    if not (with_baseline and scenario.versioned):
        return this
    baseline = _summarise(scenario, samples[scenario.key, "baseline"], floor)
    ratio = round(this.median_s / baseline.median_s, 3) if baseline.median_s else 0.0
    return replace(this, baseline=baseline, ratio_to_baseline=ratio)


def _to_markdown_it(rows: list[Summary]) -> list[Summary]:
    """The rows, check --no-cache's (and its baseline's) with its ratio to markdown-it-py alone."""
    yardstick = next((row for row in rows if row.name == _YARDSTICK_NAME), None)
    if yardstick is None or not yardstick.median_s:
        return rows

    def ratio(row: Summary) -> Summary:
        return replace(row, ratio_to_markdown_it=round(row.median_s / yardstick.median_s, 3))

    return [
        replace(
            ratio(row),
            baseline=ratio(row.baseline) if row.baseline is not None else None,
        )
        if row.name == "check --no-cache"
        else row
        for row in rows
    ]


def _checkout(version: Version, release: str, findings: int) -> Checkout:
    git = ["git", "--no-optional-locks", "-C", str(version.root)]  # no index.lock: others commit
    try:
        head = subprocess.run(
            [*git, "rev-parse", "--short", "HEAD"], capture_output=True, text=True
        )
        status = subprocess.run(
            [*git, "status", "--porcelain", "--", "vaultgraph"], capture_output=True, text=True
        )
    except OSError:  # no git on this machine
        return Checkout(release, str(version.root), "", False, findings)
    if head.returncode != 0:
        return Checkout(release, str(version.root), "", False, findings)
    changed = status.returncode == 0 and bool(status.stdout.strip())
    return Checkout(release, str(version.root), head.stdout.strip(), changed, findings)


def _machine() -> Machine:
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return Machine(
        cores=cores or 1,
        cpu=_cpu_model(),
        python=platform.python_version(),
        platform=platform.platform(terse=True),
        vaultgraph=vaultgraph.__version__,
    )


def _load() -> float:
    return round(os.getloadavg()[0], 2) if hasattr(os, "getloadavg") else 0.0


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text(encoding="utf-8").splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def _vault_size(vault: Path) -> tuple[int, int, int]:
    """Notes, files and bytes, all files counted (the floor reads them all)."""
    notes = files = size = 0
    for folder, _, names in os.walk(vault):
        for name in names:
            files += 1
            notes += name.endswith(".md")
            size += os.path.getsize(os.path.join(folder, name))
    return notes, files, size


def _table(report: Report) -> str:
    machine, vault = report.machine, report.vault
    compared = report.baseline is not None
    lines = [
        f"machine: {machine.cores} cores ({machine.cpu}), Python {machine.python}, "
        f"{machine.platform}, vaultgraph {machine.vaultgraph}",
        _described("this" if compared else "vaultgraph", report.vaultgraph),
    ]
    if report.baseline is not None:
        lines.append(_described("baseline", report.baseline))
    lines += [
        f"vault: {vault.notes} notes, {vault.files} files, {vault.megabytes} MB ({vault.origin});"
        f" check reports {vault.findings} findings",
        f"runs: {report.runs} of each scenario, interleaved"
        + (", both versions in each round (which first alternates)" if compared else "")
        + f"; load average {report.load[0]} before, {report.load[1]} after"
        + _no_cache_note(report.no_cache_flag, compared),
        "",
    ]
    lines += _compared_rows(report.scenarios) if compared else _rows(report.scenarios)
    lines += _ratio_lines(report.scenarios)
    return "\n".join(lines)


def _ratio_lines(scenarios: Sequence[Summary]) -> list[str]:
    row = next((row for row in scenarios if row.ratio_to_markdown_it is not None), None)
    if row is None:
        return []
    line = f"check --no-cache / markdown-it-py alone: {row.ratio_to_markdown_it:.2f}"
    if row.baseline is not None and row.baseline.ratio_to_markdown_it is not None:
        line += f" (baseline {row.baseline.ratio_to_markdown_it:.2f})"
    return ["", line]


def _no_cache_note(has_flag: bool, compared: bool) -> str:
    if has_flag:
        return ""
    if compared:
        return "; check --no-cache not measured: one version's check has no such flag"
    return "; check has no --no-cache flag yet: not measured"


def _described(label: str, checkout: Checkout) -> str:
    commit = f", commit {checkout.commit}" if checkout.commit else ""
    changed = " with changes to vaultgraph/" if checkout.changed else ""
    return (
        f"{label}: vaultgraph {checkout.version} from {checkout.source}{commit}{changed};"
        f" check reports {checkout.findings} findings"
    )


def _rows(scenarios: Sequence[Summary]) -> list[str]:
    lines = [
        f"{'scenario':<32} {'median s':>9} {'min s':>8} {'max s':>8} {'x floor':>8} {'peak MB':>8}"
    ]
    for row in scenarios:
        lines.append(
            f"{row.name:<32} {row.median_s:>9.2f} {row.min_s:>8.2f} {row.max_s:>8.2f}"
            f" {row.ratio_to_floor:>8.1f} {row.peak_mb:>8.0f}"
            + (" (a worker)" if row.peak_in == "worker" else "")
        )
    return lines


def _compared_rows(scenarios: Sequence[Summary]) -> list[str]:
    lines = [
        f"{'':<32} {'this':>20} {'baseline':>20} {'this /':>9} {'x floor':>13} {'peak MB':>11}",
        f"{'scenario':<32} {'median (min-max) s':>20} {'median (min-max) s':>20} {'baseline':>9}"
        f" {'this':>6} {'base':>6} {'this':>5} {'base':>5}",
    ]
    for row in scenarios:
        base = row.baseline
        if base is None:  # the floor: one process that runs no vaultgraph, shared by both
            lines.append(
                f"{row.name:<32} {_spread(row):>20} {'':>20} {'':>9}"
                f" {row.ratio_to_floor:>6.1f} {'':>6} {row.peak_mb:>5.0f}"
            )
            continue
        lines.append(
            f"{row.name:<32} {_spread(row):>20} {_spread(base):>20}"
            f" {row.ratio_to_baseline or 0.0:>9.2f} {row.ratio_to_floor:>6.1f}"
            f" {base.ratio_to_floor:>6.1f} {row.peak_mb:>5.0f} {base.peak_mb:>5.0f}"
        )
    return lines


def _spread(row: Summary) -> str:
    return f"{row.median_s:.2f} ({row.min_s:.2f}-{row.max_s:.2f})"


def _say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


if __name__ == "__main__":
    sys.exit(main())
