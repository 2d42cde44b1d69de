"""Help for every command of the table, and every example in it works.

`activate SUB --help`, `activate SUB -h` and `activate help SUB` print the
same help on stdout, exit 0, start with `usage: activate SUB`, and show the
command's options and at least one example. Every example in the help texts
runs from a copy of this checkout (so examples that change a manifest change
the copy) and succeeds.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from activator import commands
from activator.grammar import Command

from conftest import ACTIVATE, REPO, Sandbox


def paths(cmds: tuple[Command, ...], prefix: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    """Every command path of the table: ("vars",), ("vars", "set"), ..."""
    out = []
    for c in cmds:
        out.append((*prefix, c.name))
        out += paths(c.children, (*prefix, c.name))
    return out


PATHS = paths(commands.COMMANDS)


def entry(path: tuple[str, ...]) -> Command:
    cmd = commands.lookup(path[0])
    for name in path[1:]:
        assert cmd is not None
        cmd = cmd.child(name)
    assert cmd is not None
    return cmd


@pytest.mark.parametrize("path", PATHS, ids=[" ".join(p) for p in PATHS])
def test_every_command_has_help_three_ways(sandbox: Sandbox, path: tuple[str, ...]) -> None:
    results = [
        sandbox.run([*path, "--help"]),
        sandbox.run([*path, "-h"]),
        sandbox.run(["help", *path]),
    ]
    for r in results:
        assert (r.returncode, r.stderr) == (0, "")
        assert r.stdout == results[0].stdout
    text = results[0].stdout
    assert text.startswith(f"usage: activate {' '.join(path)}")
    cmd = entry(path)
    assert cmd.help.splitlines()[0] in text
    for opt in cmd.options:
        assert ", ".join(opt.names) in text
    assert "Example" in text and cmd.examples
    for example in cmd.examples:
        assert f"  {example}\n" in text


def test_help_of_activate_itself_lists_every_command(sandbox: Sandbox) -> None:
    for args in (["--help"], ["-h"], ["help"]):
        r = sandbox.run(args)
        assert (r.returncode, r.stderr) == (0, "")
        assert r.stdout.startswith("usage: activate ")
        for c in commands.COMMANDS:
            assert (f"  {c.name} " in r.stdout) != c.hidden


def test_help_for_an_unknown_command_is_a_usage_error(sandbox: Sandbox) -> None:
    for args in (["help", "nosuch"], ["help", "vars", "nosuch"]):
        r = sandbox.run(args)
        assert (r.returncode, r.stdout) == (2, "")
        assert "nosuch" in r.stderr


def examples() -> list[tuple[str, str]]:
    out = [("activate", e) for e in commands.TOP.examples]
    out += [(" ".join(p), e) for p in PATHS for e in entry(p).examples]
    return out


# An editor that exits at once, for `activate edit`'s example.
ENV = {"edit": {"VISUAL": "true"}}


@pytest.mark.parametrize(
    ("command", "example"), examples(), ids=[f"{c}: {e}" for c, e in examples()]
)
def test_every_help_example_works_from_a_checkout(
    sandbox: Sandbox, tmp_path: Path, command: str, example: str
) -> None:
    checkout = tmp_path / "checkout"
    shutil.copytree(REPO / "manifests", checkout / "manifests")
    bindir = Path(ACTIVATE).parent
    env = {**sandbox.env, **ENV.get(command, {}), "PATH": f"{bindir}:{sandbox.env['PATH']}"}
    result = sandbox.shell("bash", f"set -e\n{example}\n", cwd=checkout, env=env)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "error" not in result.stderr, result.stderr
