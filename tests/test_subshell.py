"""Interactive use, through a pseudo-terminal: `activate` typed into a real
interactive bash, zsh, fish or tcsh (a subshell), and the in-place forms
(`eval "$(activate --print)"` and friends) typed into one.

The sandbox's rc files are hostile (they reset PATH to /usr/bin:/bin and set
a 'hostile...' prompt), so every check here is also a check that activate's
code runs after them.

Each command is typed as `echo BE''GINn; CMD; echo EN''Dn`: the shell prints
BEGINn and ENDn, which its own echo of the typed line (even fish's coloured
one) never contains, so the output between them is CMD's and nothing else,
and what follows ENDn up to 'hostile' is the prompt's prefix. Environment
checks go through a JSON dump written by Python, so values are compared
exactly, whatever the terminal does to them.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from pathlib import Path

import pytest

from conftest import ACTIVATE, HOSTILE_PATH, Sandbox, Terminal, in_place, manifest, shell_path

TIMEOUT = 15

# A [vars] value with every character some shell treats specially.
HOSTILE_VALUE = (
    "'quote' \"dq\" $dollar ${brace} `backtick` !bang !! back\\slash ünï 日本 🐚 trailing\\"
)

# Profile code: an alias in every shell, a function where the shell has them.
PROFILE = {
    "bash": "alias flxhi='echo HI-ALIAS'\nflxgreet() { echo \"GREET-$1\"; }",
    "zsh": "alias flxhi='echo HI-ALIAS'\nflxgreet() { echo \"GREET-$1\"; }",
    "fish": "alias flxhi 'echo HI-ALIAS'\nfunction flxgreet; echo \"GREET-$argv[1]\"; end",
    "tcsh": "alias flxhi 'echo HI-ALIAS'",
}
HAS_FUNCTIONS = ("bash", "zsh", "fish")


@pytest.fixture
def terminals(sandbox: Sandbox) -> Iterator[list[Terminal]]:
    opened: list[Terminal] = []
    yield opened
    for t in opened:
        t.close()


def subshell_terminal(shell: str, sandbox: Sandbox, **extra_env: str) -> Terminal:
    """An interactive `shell` in the project folder, `activate`'s shell (FLOX_SHELL) set to it."""
    env = {"FLOX_SHELL": shell_path(shell), **extra_env}
    return Terminal(shell, sandbox, sandbox.project, env, TIMEOUT)


def open_terminal(
    opened: list[Terminal], shell: str, sandbox: Sandbox, **extra_env: str
) -> Terminal:
    t = subshell_terminal(shell, sandbox, **extra_env)
    opened.append(t)
    return t


def flox_env(project: Path, name: str) -> str:
    """FLOX_ENV of a dev-mode activation of `project` (its run folder)."""
    runs = list((project / ".flox" / "run").glob(f"*.{name}.dev"))
    assert len(runs) == 1, runs
    return str(runs[0])


def write_a(sandbox: Sandbox, shell: str) -> Path:
    """Project A: the hostile value, a hook that counts its runs, the profile."""
    counter = sandbox.root / "hook-runs"
    sandbox.write_manifest(
        manifest(
            {"V": HOSTILE_VALUE, "SIMPLE": "plain"},
            hook=f"echo ran >> '{counter}'\nexport HOOKED='hook ran'",
            profile={shell: PROFILE[shell]},
        ),
        name="A",
    )
    return counter


def write_b(sandbox: Sandbox) -> Path:
    """Project B (a sibling folder of A's project)."""
    b = dataclasses.replace(sandbox, project=sandbox.root / "projB")
    b.project.mkdir()
    b.write_manifest(manifest({"VB": "from B"}), name="B")
    return b.project


def runs(counter: Path) -> int:
    return len(counter.read_text().splitlines()) if counter.exists() else 0


def check_profile(t: Terminal, shell: str) -> None:
    """The profile's alias (and function) work on a later command line."""
    assert t.run("flxhi") == "HI-ALIAS"
    if shell in HAS_FUNCTIONS:
        assert t.run("flxgreet x") == "GREET-x"


def test_subshell(sandbox: Sandbox, shell: str, terminals: list[Terminal]) -> None:
    counter = write_a(sandbox, shell)
    t = open_terminal(terminals, shell, sandbox)
    assert t.prompt == ""  # the hostile prompt, as the rc file set it
    before = t.dump()

    t.send(ACTIVATE)
    inside = t.dump()
    env = inside["env"]
    assert isinstance(env, dict)
    assert inside["ppid"] != before["ppid"]  # a new shell
    a_env = flox_env(sandbox.project, "A")
    assert env["FLOX_ENV"] == a_env
    # The rc file reset PATH; activate's entry was put in front again after it.
    assert env["PATH"] == f"{a_env}/bin:{HOSTILE_PATH}"
    assert env["V"] == HOSTILE_VALUE
    assert env["SIMPLE"] == "plain"
    assert env["HOOKED"] == "hook ran"
    assert runs(counter) == 1
    # The prompt: the rc file's, prefixed once.
    assert t.prompt == "(A) "
    check_profile(t, shell)
    assert t.prompt == "(A) "

    # A second terminal attaches to the live activation: no second hook run.
    t2 = open_terminal(terminals, shell, sandbox)
    t2.send(ACTIVATE)
    env2 = t2.env()
    assert env2["FLOX_ENV"] == a_env
    assert env2["V"] == HOSTILE_VALUE
    assert env2["HOOKED"] == "hook ran"
    assert env2["PATH"] == f"{a_env}/bin:{HOSTILE_PATH}"
    assert t2.prompt == "(A) "
    check_profile(t2, shell)
    assert runs(counter) == 1

    # `exit` is back in the outer shell, whose environment is untouched.
    t.send("exit")
    after = t.dump()
    assert after["ppid"] == before["ppid"]
    assert after == before
    assert t.prompt == ""


def test_nested_other_environment(sandbox: Sandbox, shell: str, terminals: list[Terminal]) -> None:
    write_a(sandbox, shell)
    b_project = write_b(sandbox)
    t = open_terminal(terminals, shell, sandbox)

    t.send(ACTIVATE)
    in_a = t.env()
    a_env = flox_env(sandbox.project, "A")
    assert in_a["FLOX_ENV_DIRS"] == a_env
    assert t.prompt == "(A) "

    # B inside A: one prompt prefix naming both, B's paths first, then A's.
    t.send(f"{ACTIVATE} -d '{b_project}'")
    in_b = t.env()
    b_env = flox_env(b_project, "B")
    assert in_b["FLOX_ENV"] == b_env
    assert t.prompt == "(B A) "
    t.run("true")
    assert t.prompt == "(B A) "
    assert in_b["FLOX_ENV_DIRS"] == f"{b_env}:{a_env}"
    assert in_b["VB"] == "from B"
    assert in_b["V"] == HOSTILE_VALUE  # inherited from A

    # Leaving B is back in A's shell, unchanged.
    t.send("exit")
    assert t.env() == in_a
    assert t.prompt == "(A) "

    # B's subshell read the hostile rc file too, which reset PATH: A's entry
    # must come back after it, behind B's.
    assert in_b["PATH"] == f"{b_env}/bin:{a_env}/bin:{HOSTILE_PATH}"


def test_nested_same_environment(sandbox: Sandbox, shell: str, terminals: list[Terminal]) -> None:
    counter = write_a(sandbox, shell)
    t = open_terminal(terminals, shell, sandbox)
    t.send(ACTIVATE)
    in_a = t.env()
    a_env = flox_env(sandbox.project, "A")
    assert in_a["PATH"] == f"{a_env}/bin:{HOSTILE_PATH}"

    # A again inside A: attaches (no hook run), and nothing is listed twice.
    t.send(ACTIVATE)
    again = t.env()
    assert t.prompt == "(A) "
    assert again["FLOX_ENV_DIRS"] == a_env
    assert again["PATH"] == f"{a_env}/bin:{HOSTILE_PATH}"
    assert again["V"] == HOSTILE_VALUE
    check_profile(t, shell)
    assert t.prompt == "(A) "
    assert runs(counter) == 1

    t.send("exit")
    assert t.env() == in_a
    assert t.prompt == "(A) "
    t.send("exit")
    t.run("true")
    assert t.prompt == ""


def test_no_prompt(sandbox: Sandbox, shell: str, terminals: list[Terminal]) -> None:
    write_a(sandbox, shell)
    t = open_terminal(terminals, shell, sandbox, ACTIVATE_NO_PROMPT="1")
    t.send(ACTIVATE)
    env = t.env()
    assert env["V"] == HOSTILE_VALUE  # activated,
    assert t.prompt == ""  # but the prompt is the rc file's
    check_profile(t, shell)
    assert t.prompt == ""
    t.send("exit")
    t.run(in_place(shell))
    assert t.env()["V"] == HOSTILE_VALUE
    assert t.prompt == ""


def test_in_place(sandbox: Sandbox, shell: str, terminals: list[Terminal]) -> None:
    counter = write_a(sandbox, shell)
    t = open_terminal(terminals, shell, sandbox)
    before = t.dump()

    t.run(in_place(shell))
    assert t.prompt == "(A) "
    after = t.dump()
    assert after["ppid"] == before["ppid"]  # the same shell
    env = after["env"]
    assert isinstance(env, dict)
    a_env = flox_env(sandbox.project, "A")
    assert env["FLOX_ENV"] == a_env
    assert env["PATH"] == f"{a_env}/bin:{HOSTILE_PATH}"
    assert env["V"] == HOSTILE_VALUE
    assert env["HOOKED"] == "hook ran"
    check_profile(t, shell)  # on later lines
    assert t.prompt == "(A) "
    assert runs(counter) == 1

    # Evaluating it again changes nothing: no second prefix, no second PATH entry.
    t.run(in_place(shell))
    assert t.prompt == "(A) "
    again = t.env()
    assert again["PATH"] == f"{a_env}/bin:{HOSTILE_PATH}"
    assert again["FLOX_ENV_DIRS"] == a_env
    assert again["V"] == HOSTILE_VALUE
    check_profile(t, shell)
    assert t.prompt == "(A) "
    assert runs(counter) == 1


def test_tcsh_prompt_survives_a_profile_that_fails_when_run(sandbox: Sandbox) -> None:
    """tcsh stops reading a sourced file at its first error; `tcsh -n` accepts
    this bash-style common profile, which then fails when run."""
    sandbox.write_manifest(
        manifest({"V": "v"}, profile={"common": 'if [[ "$UNSET_IN_TCSH" == x ]]; then echo; fi'}),
        name="A",
    )
    term = subshell_terminal("tcsh", sandbox)
    term.send(ACTIVATE)
    term.run("true")
    assert term.prompt == "(A) "
