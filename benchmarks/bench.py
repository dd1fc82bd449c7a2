"""Time ``vaultgraph check`` and ``export`` against the floor: ``python -m benchmarks.bench``.

Every measured command is a fresh process (``sys.executable`` running vaultgraph's command line)
with ``VAULTGRAPH_CACHE_DIR`` pointing at a folder this script owns, so a cold run really is cold.
The scenarios run round-robin, one run of each per round, so that whatever else the machine is
doing slows them all alike; each is reported as the median, min and max of its runs, with the ratio
of its median to the floor's (a process that only reads every file of the vault).
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
from dataclasses import asdict, dataclass, field
from pathlib import Path

import vaultgraph
from benchmarks.synth import GENERATOR_VERSION, generate

# Runs in each measured process: the floor, or vaultgraph's command line in-process (exactly what
# `python -m vaultgraph` runs). At exit it writes its own peak RSS and that of its largest child
# (a parse worker) to the file named by argv[1]. Registered first, the hook runs last: after
# multiprocessing and concurrent.futures have joined their workers, so their peaks are counted.
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
    with open(sys.argv[1], "w") as out:
        json.dump({"own_kib": own, "children_kib": children}, out)

atexit.register(_peaks)
if sys.argv[2] == "--floor":
    size = 0
    for folder, _, files in os.walk(sys.argv[3]):
        for name in files:
            with open(os.path.join(folder, name), "rb") as file:
                size += len(file.read())
    code = 0
else:
    from vaultgraph.cli import main
    code = main(sys.argv[2:])
sys.exit(code)
"""
SCENARIOS = ("floor", "startup", "no-cache", "cold", "warm", "export", "touched")
# check exits 1 when it reports findings, and the synthetic vault always has some.
_CHECK_OK = (0, 1)
_OK = (0,)


@dataclass(frozen=True, slots=True)
class Sample:
    seconds: float
    own_kib: int  # peak RSS of the measured process
    children_kib: int  # peak RSS of its largest child process (0 without workers)

    @property
    def peak_kib(self) -> int:
        return max(self.own_kib, self.children_kib)


@dataclass(frozen=True)
class Scenario:
    key: str  # what --only calls it
    name: str
    command: str  # as a person would type it
    argv: tuple[str, ...]  # after ``python -c <measured>  <peaks file>``
    accept: tuple[int, ...]
    prepare: Callable[[], None] = lambda: None
    # Entered before the run and left after it, outside the timing: touch a note, then restore it.
    around: Callable[[], AbstractContextManager[None]] | None = None


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


@dataclass(frozen=True)
class Machine:
    cores: int
    cpu: str
    python: str
    platform: str
    vaultgraph: str


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
    no_cache_flag: bool  # whether this vaultgraph's check has --no-cache
    load: tuple[float, float]  # 1-minute load average before and after: others' work shows here
    scenarios: list[Summary]


class BenchmarkError(Exception):
    """A measured command failed; the benchmark's numbers would mean nothing."""


def main(argv: Sequence[str] | None = None) -> int:
    args = _arguments(argv)
    with tempfile.TemporaryDirectory(prefix="vaultgraph-bench-") as scratch_dir:
        scratch = Path(scratch_dir)
        try:
            with _vault(args, scratch) as (vault, origin):
                report = _benchmark(vault, origin, scratch, args.runs, args.only)
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
        " always runs; without cold, a warm run after a touched one parses that note again)",
    )
    parser.add_argument("--json", action="store_true", help="print the results as JSON")
    args = parser.parse_args(argv)
    if args.runs < 1 or args.notes < 1:
        parser.error("--runs and --notes must be at least 1")
    if args.vault is not None and not args.vault.is_dir():
        parser.error(f"{args.vault} is not a folder")
    return args


def _keys(text: str) -> tuple[str, ...]:
    keys = tuple(key.strip() for key in text.split(",") if key.strip())
    unknown = [key for key in keys if key not in SCENARIOS]
    if unknown:
        raise argparse.ArgumentTypeError(f"unknown scenario {', '.join(unknown)}")
    return ("floor", *keys)


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


def _benchmark(vault: Path, origin: str, scratch: Path, runs: int, only: Sequence[str]) -> Report:
    cache = scratch / "cache"
    env = _environment(cache)
    has_no_cache = "--no-cache" in _help(env, scratch)

    def settle() -> None:  # an untimed check: the caches hold the vault as it is again
        _run(("check", str(vault)), _CHECK_OK, env, scratch)

    scenarios = [s for s in _scenarios(vault, cache, has_no_cache, settle) if s.key in only]
    findings = _warm_up(vault, env, scratch)
    load_before = _load()
    samples: dict[str, list[Sample]] = {s.name: [] for s in scenarios}
    for round_ in range(1, runs + 1):
        for scenario in scenarios:
            scenario.prepare()
            sample = _measure(scenario, env, scratch)
            samples[scenario.name].append(sample)
            _say(f"round {round_}/{runs}  {scenario.name:<34} {sample.seconds:7.2f} s")
    floor = statistics.median(s.seconds for s in samples["floor"])
    notes, files, size = _vault_size(vault)
    return Report(
        machine=_machine(),
        vault=VaultInfo(origin, notes, files, round(size / 1e6, 1), findings),
        runs=runs,
        no_cache_flag=has_no_cache,
        load=(load_before, _load()),
        scenarios=[_summarise(s, samples[s.name], floor) for s in scenarios],
    )


def _scenarios(
    vault: Path, cache: Path, has_no_cache: bool, settle: Callable[[], None]
) -> list[Scenario]:
    where = str(vault)

    def empty_cache() -> None:
        shutil.rmtree(cache, ignore_errors=True)
        cache.mkdir()

    touched = _TouchedNote(vault, settle)
    found: list[Scenario] = [
        Scenario("floor", "floor", f"read every file of {where}", ("--floor", where), _OK),
        Scenario("startup", "startup", "vaultgraph --version", ("--version",), _OK),
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
    ]
    return found


class _TouchedNote:
    """One note, changed for one run (a line with a link appended) and then restored; then
    ``settle`` runs, so that the next scenario finds the caches as they were (a warm check after
    this one would otherwise re-check the restored note, not replay)."""

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


def _measure(scenario: Scenario, env: dict[str, str], scratch: Path) -> Sample:
    if scenario.around is None:
        return _run(scenario.argv, scenario.accept, env, scratch)
    with scenario.around():
        return _run(scenario.argv, scenario.accept, env, scratch)


def _run(argv: Sequence[str], accept: Sequence[int], env: dict[str, str], scratch: Path) -> Sample:
    peaks = scratch / "peaks.json"
    peaks.unlink(missing_ok=True)
    command = [sys.executable, "-c", _MEASURED, str(peaks), *argv]
    start = time.perf_counter()
    done = subprocess.run(
        command, cwd=scratch, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    seconds = time.perf_counter() - start
    if done.returncode not in accept:
        tail = done.stderr.decode("utf-8", "replace").strip().splitlines()[-5:]
        raise BenchmarkError(
            f"{' '.join(argv)} exited {done.returncode}: " + " / ".join(tail or ["no output"])
        )
    measured = json.loads(peaks.read_text(encoding="utf-8"))
    return Sample(seconds, int(measured["own_kib"]), int(measured["children_kib"]))


def _warm_up(vault: Path, env: dict[str, str], scratch: Path) -> int:
    """One untimed check: files in the page cache, imports compiled, and the findings counted."""
    _say("warm-up check ...")
    done = subprocess.run(
        [sys.executable, "-m", "vaultgraph", "check", "--format", "json", str(vault)],
        cwd=scratch,
        env=env,
        capture_output=True,
    )
    if done.returncode not in _CHECK_OK:
        raise BenchmarkError(f"warm-up check exited {done.returncode}: {done.stderr[-500:]!r}")
    return len(json.loads(done.stdout))


def _help(env: dict[str, str], scratch: Path) -> str:
    done = subprocess.run(
        [sys.executable, "-m", "vaultgraph", "check", "--help"],
        cwd=scratch,
        env=env,
        capture_output=True,
        text=True,
    )
    return done.stdout


def _environment(cache: Path) -> dict[str, str]:
    """The child's environment: our cache folder, and this vaultgraph on the import path.

    Python may write bytecode, as it does for an installed package: a shell with
    PYTHONDONTWRITEBYTECODE set would otherwise compile every module on every run, some 0.1 s
    that no user pays.
    """
    cache.mkdir(parents=True, exist_ok=True)
    package_root = str(Path(vaultgraph.__file__).resolve().parent.parent)
    paths = [package_root, *filter(None, os.environ.get("PYTHONPATH", "").split(os.pathsep))]
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
    lines = [
        f"machine: {machine.cores} cores ({machine.cpu}), Python {machine.python}, "
        f"{machine.platform}, vaultgraph {machine.vaultgraph}",
        f"vault: {vault.notes} notes, {vault.files} files, {vault.megabytes} MB ({vault.origin});"
        f" check reports {vault.findings} findings",
        f"runs: {report.runs} of each scenario, interleaved; load average {report.load[0]} before,"
        f" {report.load[1]} after"
        + ("" if report.no_cache_flag else "; check has no --no-cache flag yet: not measured"),
        "",
        f"{'scenario':<32} {'median s':>9} {'min s':>8} {'max s':>8} {'x floor':>8} {'peak MB':>8}",
    ]
    for row in report.scenarios:
        lines.append(
            f"{row.name:<32} {row.median_s:>9.2f} {row.min_s:>8.2f} {row.max_s:>8.2f}"
            f" {row.ratio_to_floor:>8.1f} {row.peak_mb:>8.0f}"
            + (" (a worker)" if row.peak_in == "worker" else "")
        )
    return "\n".join(lines)


def _say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


if __name__ == "__main__":
    sys.exit(main())
