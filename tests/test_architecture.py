"""The layers point down, and the contract that says so fails when one points up."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
LINT = Path(sys.executable).with_name("lint-imports")

pytestmark = pytest.mark.skipif(not LINT.exists(), reason="import-linter is not installed")


def _lint(src: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(LINT), "--config", str(ROOT / "pyproject.toml"), "--no-cache"],
        capture_output=True,
        text=True,
        cwd=src,
        env={"PYTHONPATH": str(src), "PATH": str(LINT.parent)},
        check=False,
    )


def test_the_contracts_hold_on_the_code_as_it_is() -> None:
    """Every import, function-level ones included, points down the layers."""
    done = _lint(ROOT / "src")
    assert done.returncode == 0, done.stdout
    assert "2 kept, 0 broken" in done.stdout


def test_an_upward_import_breaks_the_contract(tmp_path: Path) -> None:
    """A core engine that imports a command, even inside a function, fails the lint."""
    src = tmp_path / "src"
    shutil.copytree(ROOT / "src" / "mlplan", src / "mlplan")
    engine = src / "mlplan" / "core" / "metrics" / "standard.py"
    engine.write_text(
        engine.read_text()
        + "\n\ndef _sneaky():\n    from mlplan.app.run import run\n\n    return run\n"
    )
    done = _lint(src)
    assert done.returncode == 1
    assert "mlplan.core is not allowed to import mlplan.app" in done.stdout
    assert "mlplan.core.metrics.standard -> mlplan.app.run" in done.stdout
