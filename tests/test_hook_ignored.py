"""What bash itself sets while running the hook never reaches the activation.

The hook's `cd` (PWD, OLDPWD), a changed SHLVL and bash's option variables
(SHELLOPTS, BASHOPTS, even when the hook exports them) are the hook bash's
own business: every way of activating, in every shell, must show the same
values as with a hook that changes none of them.
"""

from __future__ import annotations

import sys

import pytest

from conftest import SHELLS, Sandbox, in_place, shell_path

NAMES = ("PWD", "OLDPWD", "SHLVL", "SHELLOPTS", "BASHOPTS")

QUIET_HOOK = "export HOOKED=1"
# Changes every one of NAMES, and exports them.
BUSY_HOOK = """\
cd /
cd "$FLOX_ENV_CACHE"
export SHLVL=42
set -o noglob
shopt -s nullglob
export PWD OLDPWD SHELLOPTS BASHOPTS
export HOOKED=1"""

# Prints the folder, then the exported variables, NUL-separated (in any shell).
REPORT = "pwd; env -0"
# The same, from a program that is not a shell (which could change them).
REPORT_ARGV = [
    sys.executable,
    "-c",
    "import os, sys; sys.stdout.write(os.getcwd() + '\\n'"
    " + ''.join(f'{k}={v}\\0' for k, v in os.environ.items()))",
]


def manifest(hook: str) -> str:
    return f"version = 1\n[hook]\non-activate = '''\n{hook}\n'''\n"


def parse(output: str) -> tuple[str, dict[str, str]]:
    """(folder, {name: value for NAMES and HOOKED that are set})."""
    folder, _, dump = output.partition("\n")
    env = dict(item.partition("=")[::2] for item in dump.split("\0") if "=" in item)
    return folder, {n: env[n] for n in (*NAMES, "HOOKED") if n in env}


def compare(sandbox: Sandbox, activate: list[str] | None, shell: str | None) -> None:
    """Run REPORT after activating with QUIET_HOOK, then with BUSY_HOOK
    (`activate ARGS` or, if `activate` is None, in place in `shell`): the same."""
    seen = []
    for hook in (QUIET_HOOK, BUSY_HOOK):
        sandbox.write_manifest(manifest(hook))
        if activate is None:
            assert shell is not None
            result = sandbox.shell(shell, f"{in_place(shell)}\n{REPORT}")
        else:
            result = sandbox.run(activate)
        assert result.returncode == 0, result.stderr
        folder, values = parse(result.stdout)
        assert values.get("HOOKED") == "1", result.stderr  # the hook ran
        seen.append((folder, values))
    (quiet_folder, quiet), (busy_folder, busy) = seen
    assert busy_folder == quiet_folder == str(sandbox.project.resolve())
    for name in NAMES:
        assert busy.get(name) == quiet.get(name), name


def test_with_c(sandbox: Sandbox, shell: str) -> None:
    compare(sandbox, ["--shell", shell, "-c", REPORT], None)


def test_in_place(sandbox: Sandbox, shell: str) -> None:
    compare(sandbox, None, shell)


@pytest.mark.parametrize("program", [None, *SHELLS])
def test_with_a_command(sandbox: Sandbox, program: str | None) -> None:
    # A command that is a shell reads some of them at start-up (bash takes
    # its options from SHELLOPTS in the environment).
    if program is None:
        compare(sandbox, ["--", *REPORT_ARGV], None)
    else:
        compare(sandbox, ["--", shell_path(program), "-c", REPORT], None)
