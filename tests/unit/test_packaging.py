"""The suite tests src/, and the wheel people install carries everything the app needs.

The wheel test builds with hatchling (no network, no build isolation), installs the
wheel non-editable into a throw-away venv that borrows this environment's
dependencies, and runs its ``coffeechat --version``. It takes a few seconds; set
COFFEECHAT_SKIP_WHEEL_TEST=1 to skip it on purpose (it never skips by itself).
"""

from __future__ import annotations

import os
import subprocess
import sys
import sysconfig
import venv
import zipfile
from pathlib import Path

import pytest

import coffeechat
from coffeechat import __version__

ROOT = Path(__file__).resolve().parents[2]
SRC = ROOT / "src"
SKIP_WHEEL = os.environ.get("COFFEECHAT_SKIP_WHEEL_TEST") == "1"


def test_the_suite_imports_coffeechat_from_src() -> None:
    assert Path(coffeechat.__file__).resolve().is_relative_to(SRC), coffeechat.__file__


def test_child_processes_import_coffeechat_from_src(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-c", "import coffeechat; print(coffeechat.__file__)"],
        capture_output=True,
        text=True,
        check=True,
        cwd=tmp_path,
        timeout=60,
    )
    assert Path(result.stdout.strip()).resolve().is_relative_to(SRC), result.stdout


def _run(
    *command: str | Path, env: dict[str, str] | None = None, cwd: Path | None = None
) -> subprocess.CompletedProcess[str]:
    result = subprocess.run(
        [str(part) for part in command],
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
        cwd=cwd,
    )
    assert result.returncode == 0, f"{command}:\n{result.stdout}\n{result.stderr}"
    return result


@pytest.mark.skipif(SKIP_WHEEL, reason="COFFEECHAT_SKIP_WHEEL_TEST=1")
def test_the_installed_wheel_carries_the_styles_and_runs(tmp_path: Path) -> None:
    dist = tmp_path / "dist"
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    env["PIP_DISABLE_PIP_VERSION_CHECK"] = "1"
    _run(sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation",
         "--no-index", "-w", dist, ROOT, env=env)  # fmt: skip
    [wheel] = dist.glob("coffeechat-*.whl")

    names = set(zipfile.ZipFile(wheel).namelist())
    shipped = {Path(n).name for n in names if n.startswith("coffeechat/styles/")}
    assert shipped >= {p.name for p in (ROOT / "styles").glob("*.tcss")}, sorted(names)
    assert shipped, "no stylesheet in the wheel"
    assert "coffeechat/__main__.py" in names

    # A fresh venv holding only the wheel; its dependencies come from this environment
    # (a .pth line appends our site-packages after the venv's own). The .pth is written
    # after the install: pip would otherwise see the coffeechat installed here (CI's
    # non-editable one) as already satisfying the wheel and install nothing.
    target = tmp_path / "venv"
    venv.EnvBuilder(with_pip=False).create(target)
    python = target / "bin" / "python"
    _run(sys.executable, "-m", "pip", "--python", python, "install", "--no-deps",
         "--no-index", wheel, env=env)  # fmt: skip
    purelib = _run(python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])")
    Path(purelib.stdout.strip(), "borrowed-deps.pth").write_text(
        sysconfig.get_paths()["purelib"] + "\n"
    )

    where = _run(
        python, "-c", "import coffeechat.paths as p; print(p.__file__); print(p.styles_dir())",
        env=env, cwd=tmp_path,
    )  # fmt: skip
    module, styles = map(Path, where.stdout.split("\n")[:2])
    assert module.is_relative_to(target), "the venv did not import its own, installed copy"
    assert styles.is_relative_to(target)
    assert {p.name for p in styles.glob("*.tcss")} == shipped

    version = _run(target / "bin" / "coffeechat", "--version", env=env, cwd=tmp_path)
    assert version.stdout.strip() == f"coffeechat {__version__}"
