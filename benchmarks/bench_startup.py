"""How fast the command line starts: ``mlplan --help``, ``mlplan status``, ``import mlplan``.

Each command runs ``--repeats`` times in a fresh interpreter; the table gives the median
wall time and the peak memory of the child. ``--reference REV`` times the same commands
on another git revision (checked out into a temporary worktree, run from its ``src``) in
the same run, for the ratio.

    python benchmarks/bench_startup.py --reference 0d2ea76
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "examples"))
from demo_data import flight_delays  # noqa: E402

PLAN = """\
project: {name: Start-up benchmark, stage: training}
data: {path: flights.parquet, target: late, id: flight_id, positive: true}
metric: {optimise: f1, resamples: 100}
baselines: {ladder: [dummy, linear], cv_folds: 3}
"""


#: Run in the child before the command: report its own peak memory (VmHWM, kB) when it
#: exits (rusage would also count the memory of the process it was forked from).
_PEAK = (
    "import atexit, sys; atexit.register(lambda: sys.stderr.write('PEAK ' + next("
    "l.split()[1] for l in open('/proc/self/status') if l.startswith('VmHWM')) + '\\n')); "
)


def _timed(argv: list[str], src: Path, cwd: Path) -> tuple[float, float]:
    """Wall seconds and peak MB of one child process."""
    env = {**os.environ, "PYTHONPATH": str(src)}
    argv = [argv[0], "-c", _PEAK + argv[2], *argv[3:]]
    began = time.perf_counter()
    done = subprocess.run(argv, cwd=cwd, env=env, capture_output=True, text=True, check=False)
    seconds = time.perf_counter() - began
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(argv)} failed in {cwd}: {done.stderr[-500:]}")
    peak = next(line for line in done.stderr.splitlines() if line.startswith("PEAK "))
    return seconds, int(peak.split()[1]) / 1024


def _project(folder: Path, src: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    flight_delays(2000, seed=3).to_parquet(folder / "flights.parquet", index=False)
    (folder / "mlplan.yaml").write_text(PLAN)
    _timed(
        [
            sys.executable,
            "-c",
            "import sys; from mlplan.cli import main; sys.argv=['mlplan','run','-p','.']; main()",
        ],
        src,
        folder,
    )


def measure(src: Path, folder: Path, repeats: int) -> dict[str, tuple[float, float]]:
    cli = "import sys; from mlplan.cli import main; sys.argv=['mlplan', *sys.argv[1:]]; main()"
    commands = {
        "mlplan --help": [sys.executable, "-c", cli, "--help"],
        "mlplan status": [sys.executable, "-c", cli, "status", "-p", "."],
        "mlplan history": [sys.executable, "-c", cli, "history", "-p", "."],
        "import mlplan": [sys.executable, "-c", "import mlplan"],
    }
    out = {}
    for name, argv in commands.items():
        _timed(argv, src, folder)  # warm the file cache
        runs = [_timed(argv, src, folder) for _ in range(repeats)]
        out[name] = (statistics.median(r[0] for r in runs), max(r[1] for r in runs))
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=7)
    parser.add_argument("--reference", help="a git revision to time beside this checkout")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        base = Path(tmp)
        _project(base / "ours", ROOT / "src")
        ours = measure(ROOT / "src", base / "ours", args.repeats)
        theirs: dict[str, tuple[float, float]] = {}
        if args.reference:
            tree = base / "reference"
            subprocess.run(
                [
                    "git",
                    "-C",
                    str(ROOT),
                    "worktree",
                    "add",
                    "-q",
                    "--detach",
                    str(tree),
                    args.reference,
                ],
                check=True,
            )
            try:
                _project(base / "theirs", tree / "src")
                theirs = measure(tree / "src", base / "theirs", args.repeats)
            finally:
                subprocess.run(
                    ["git", "-C", str(ROOT), "worktree", "remove", "--force", str(tree)], check=True
                )
                shutil.rmtree(tree, ignore_errors=True)
    load = os.getloadavg()[0]
    print(f"median of {args.repeats} fresh interpreters, {os.cpu_count()} cores, load {load:.1f}")
    header = f"{'command':<16} {'ours s':>8} {'ours MB':>8}"
    if theirs:
        header += f" {'ref s':>8} {'ref MB':>8} {'speed-up':>9}"
    print(header)
    for name, (seconds, mb) in ours.items():
        line = f"{name:<16} {seconds:8.3f} {mb:8.0f}"
        if name in theirs:
            ref_s, ref_mb = theirs[name]
            line += f" {ref_s:8.3f} {ref_mb:8.0f} {ref_s / seconds:8.1f}x"
        print(line)


if __name__ == "__main__":
    main()
