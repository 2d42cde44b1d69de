"""The example manifests users copy, and the README's install command."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from conftest import REPO, Sandbox

EXAMPLES = sorted((REPO / "manifests").glob("*.toml"))


@pytest.mark.parametrize("manifest", EXAMPLES, ids=[p.stem for p in EXAMPLES])
def test_each_example_activates_in_each_shell(sandbox: Sandbox, shell: str, manifest: Path) -> None:
    result = sandbox.run(["-f", str(manifest), "--shell", shell, "-c", "echo ok"])
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[-1] == "ok"
    assert "not valid" not in result.stderr  # every profile snippet is sourced


def test_demo_function_greets(sandbox: Sandbox, shell: str) -> None:
    result = sandbox.run(
        ["-f", str(REPO / "manifests" / "demo.toml"), "--shell", shell, "-c", "demo"]
    )
    assert result.stdout.startswith("Hello from the demo environment (activated at "), result.stderr
    assert "demo: hook ran" in result.stderr


def test_the_packages_example_greets_in_each_shell(
    sandbox: Sandbox, shell: str, tmp_path: Path
) -> None:
    import shutil

    copy = tmp_path / "manifests"
    shutil.copytree(REPO / "manifests", copy)  # the example writes its lock beside it
    code = "greet\npython -c 'import greeting; print(greeting.__version__)'"
    result = sandbox.run(["-f", str(copy / "packages.toml"), "--shell", shell, "-c", code])
    assert result.returncode == 0, result.stderr
    greeting, version = result.stdout.splitlines()[-2:]
    assert greeting.startswith("Hello from a package, from greeting 1.0 in ")
    assert version == "1.0"
    assert str(sandbox.root / "cache" / "activate" / "packages") in greeting  # the shared store


def test_install_script_makes_a_tool_environment_and_a_link(
    sandbox: Sandbox, tmp_path: Path
) -> None:
    tool, bindir = tmp_path / "tool", tmp_path / "bin"
    env = {**sandbox.env, "ACTIVATE_TOOL_DIR": str(tool), "ACTIVATE_BIN_DIR": str(bindir)}
    env["PATH"] = os.environ["PATH"]  # the developer's python3
    done = subprocess.run(
        ["sh", str(REPO / "install.sh")], env=env, capture_output=True, text=True, timeout=600
    )
    assert done.returncode == 0, done.stderr
    link = bindir / "activate"
    assert link.is_symlink() and Path(os.readlink(link)) == tool / "bin" / "activate"
    # The README's first command: a program that a pip entry of the example provides.
    result = subprocess.run(
        [str(link), "-f", str(REPO / "manifests" / "packages.toml"), "--", "greet"],
        env=sandbox.env,
        capture_output=True,
        text=True,
    )
    assert result.stdout.startswith("Hello from a package, from greeting 1.0 in "), result.stderr
