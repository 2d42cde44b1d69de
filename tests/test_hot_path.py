"""What the hot paths import: attach, `--print` and `--` stay lean.

Not a timing: the modules each path imports beyond Python's own start-up,
compared with an explicit list. A new top-level import that drags in rich,
tomlkit, psutil, re, json, typing, dataclasses (or anything else the path
does not use) fails here, with the chain that pulled it in.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time

import pytest

from wheels import standard_set

from conftest import ACTIVATE, IN_CI, Sandbox

# Modules no hot path may import, whatever else changes.
NEVER = {
    "rich", "tomlkit", "psutil", "shellingham", "tomllib", "json", "re", "enum", "typing",
    "dataclasses", "shutil", "subprocess", "argparse", "signal", "warnings", "collections",
    "difflib", "inspect", "ast", "hashlib", "pathlib", "tempfile", "threading", "locale",
    "packaging", "uv", "ctypes", "urllib", "zipfile", "supervisor", "xmlrpc", "http", "socket",
}  # fmt: skip

CORE = {
    "__future__", "_sha256", "activator", "activator.activation", "activator.bundled",
    "activator.cli", "activator.commands", "activator.errors", "activator.grammar", "activator.launch", "activator.locate",
    "activator.manifest", "activator.operations", "activator.outside", "activator.planner", "activator.procs",
    "activator.registry", "activator.state", "activator.supported", "activator.values",
    "activator.varrefs",
}  # fmt: skip
PRINT = CORE | {
    "activator.detect", "activator.inplace", "activator.profile", "activator.render", "activator.shells",
    "activator.shells.bash", "activator.shells.fish", "activator.shells.label",
    "activator.shells.posix",
    "activator.shells.tcsh", "activator.shells.zsh",
}  # fmt: skip


def python_of(script: str) -> str:
    with open(script, "rb") as f:
        first = f.readline().decode().strip()
    return first[2:].split()[0] if first.startswith("#!") else sys.executable


def imported(argv: list[str], sandbox: Sandbox, via_shell: str | None = None) -> dict[str, str]:
    """Modules imported while running `argv` under -X importtime, each with its
    importer chain, minus what a bare `python -c pass` imports."""
    python = python_of(ACTIVATE)

    def load(cmd: list[str]) -> dict[str, str]:
        if via_shell:  # started from a real shell, as `eval "$(activate --print)"` is
            cmd = [via_shell, "-c", " ".join(f"'{a}'" for a in cmd) + "; true"]
        done = subprocess.run(
            cmd, cwd=sandbox.project, env=sandbox.env, capture_output=True, text=True
        )
        modules: dict[str, str] = {}
        stack: list[str] = []
        # -X importtime prints a module after the ones it imported: read it backwards.
        for line in reversed(done.stderr.splitlines()):
            if not line.startswith("import time:") or "|" not in line or "cumulative" in line:
                continue
            field = line.split("|")[2]
            depth = (len(field) - len(field.lstrip())) // 2
            name = field.strip()
            stack = [*stack[:depth], name]
            modules[name] = " <- ".join(reversed(stack))
        return modules

    baseline = load([python, "-X", "importtime", "-c", "pass"])
    found = load([python, "-X", "importtime", ACTIVATE, *argv])
    return {m: chain for m, chain in found.items() if m not in baseline}


PIP = (
    '[install]\nhello.pip = "hello-tool>=1"\n'
    '[options]\nactivate.pip.find-links = ["wheels"]\nactivate.pip.no-index = true\n'
)


def _state_names(sandbox: Sandbox) -> list[str]:
    """The names of the files in the state folders (os.walk: the files of a
    build in progress come and go while it looks)."""
    names: list[str] = []
    for top in (sandbox.root / "runtime", sandbox.root / "cache"):
        for _, _, files in os.walk(top):
            names += files
    return names


# Services started with the holder (auto-start): attaching starts nothing, imports nothing of them.
SERVICES = "[services]\nauto-start = true\nt.command = 'sleep 300'\n"


@pytest.fixture(params=["plain", "pip", "services"])
def attached(sandbox: Sandbox, request: pytest.FixtureRequest):  # type: ignore[no-untyped-def]
    """A live activation to attach to: of a manifest without packages, of
    one with pip entries (built when the holder started), and of one whose
    services run (when supervisor is installed)."""
    if (
        request.param == "services"
        and subprocess.run(
            [python_of(ACTIVATE), "-c", "import supervisor.supervisord"], capture_output=True
        ).returncode
    ):
        if IN_CI:
            pytest.fail("supervisor is not installed: CI installs .[all,test]")
        pytest.skip("supervisor is not installed")
    sandbox.write_manifest(
        'version = 1\n[vars]\nA = "$FLOX_ENV/x"\n[hook]\non-activate = "export H=1"\n'
        + {"plain": "", "pip": PIP, "services": SERVICES}[str(request.param)]
    )
    if request.param == "pip":
        standard_set(sandbox.project / "wheels")
    holder = subprocess.Popen(
        [ACTIVATE, "--", "sleep", "60"],
        cwd=sandbox.project,
        env=sandbox.env,
        stderr=subprocess.DEVNULL,
    )
    # Wait for the holder's own registration: until then a run might start, not attach.
    deadline = time.monotonic() + 30
    while not any(name.startswith(f"{holder.pid}-") for name in _state_names(sandbox)):
        assert time.monotonic() < deadline and holder.poll() is None, "the holder did not start"
        time.sleep(0.02)
    assert sandbox.run(["--", "true"]).returncode == 0  # warm: the caches exist
    if request.param == "pip":  # attached: the packages are there, nothing is built
        done = sandbox.run(["--", "hello"])
        assert done.stdout == "hello-tool 2.0\n"
        assert "resolving" not in done.stderr and "installing" not in done.stderr, done.stderr
    yield sandbox
    holder.kill()
    holder.wait()


def _check(found: dict[str, str], allowed: set[str]) -> None:
    banned = {m: c for m, c in found.items() if m.split(".")[0] in NEVER}
    assert not banned, "\n".join(banned.values())
    extra = {m: c for m, c in found.items() if m not in allowed}
    assert not extra, "imported beyond the allowed list:\n" + "\n".join(extra.values())


def test_attach_with_a_command_imports_only_what_it_uses(attached: Sandbox) -> None:
    _check(imported(["--", "true"], attached), CORE)


def test_print_imports_only_what_it_uses(attached: Sandbox) -> None:
    _check(imported(["--print", "--shell", "bash"], attached), PRINT)


def test_print_finding_the_calling_shell_imports_only_what_it_uses(attached: Sandbox) -> None:
    if not sys.platform.startswith("linux"):
        pytest.skip("elsewhere the calling shell is found with shellingham")
    _check(imported(["--print"], attached, via_shell="bash"), PRINT)


# The prompt hook's call on entering a project: an in-place attach, without
# the command table and the grammar, which its exact call skips.
PROMPT = (PRINT - {"activator.detect", "activator.commands", "activator.grammar"}) | {
    "activator.prompt", "activator.auto", "activator.trust",
}  # fmt: skip


def test_the_prompt_hooks_call_imports_only_what_it_uses(attached: Sandbox) -> None:
    assert attached.run(["allow"]).returncode == 0
    found = imported(["hook-env", "bash", ""], attached, via_shell="bash")
    _check(found, PROMPT)
    assert "activator.inplace" in found  # it did activate


# `activate --outside -- CMD` reads one saved file and execs: no manifest, no engine.
OUTSIDE = {
    "__future__", "activator", "activator.bundled", "activator.cli", "activator.commands",
    "activator.errors", "activator.grammar", "activator.launch", "activator.outside",
    "activator.procs", "activator.registry", "activator.state", "activator.supported",
    "activator.values",
}  # fmt: skip


def test_outside_imports_only_what_it_uses(attached: Sandbox) -> None:
    inside = sandbox_inside(attached)
    found = imported(["--outside", "--", "true"], inside)
    _check(found, OUTSIDE)
    assert "activator.outside" in found  # it did read the saved environment


def sandbox_inside(sandbox: Sandbox) -> Sandbox:
    """`sandbox` with the environment an activation hands over (`_ACTIVATE_OUTSIDE` set)."""
    import json

    dumped = sandbox.run(
        ["--", "python3", "-c", "import json, os; print(json.dumps(dict(os.environ)))"]
    )
    env = json.loads(dumped.stdout)
    assert "_ACTIVATE_OUTSIDE" in env
    return Sandbox(sandbox.root, sandbox.home, sandbox.project, env)


def test_the_check_itself_sees_a_heavy_import(attached: Sandbox) -> None:
    """The checker must notice an import it forbids (a test that cannot fail is a defect)."""
    found = imported(["--help"], attached)
    found["re"] = "re <- (planted)"
    with pytest.raises(AssertionError, match="planted"):
        _check(found, CORE)
