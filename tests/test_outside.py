"""`activate --outside`: a command run as if no environment were active.

Two environments are activated one inside the other, in each real shell and
in each way (a subshell, `-c`, in place, `--`); `activate --outside -- CMD`
must then see exactly the environment the outermost activation started
from: none of the activations' variables or paths, the original values of
the variables they overrode or unset (hostile values byte for byte), and
the user's own later changes to other variables. Environments are compared
through JSON dumps written by Python, so values are compared exactly.
"""

from __future__ import annotations

import dataclasses
import json
import os
import stat
import sys
import time
from pathlib import Path

import pytest

from conftest import ACTIVATE, Sandbox, in_place, manifest, toml_str

# Original values, set before any activation; the activations override each one.
ORIGINALS = {
    "O_QUOTES": "it's \"quoted\" '' \\'",
    "O_DOLLAR": "$HOME ${HOME} $(touch PWNED) $$",
    "O_BACKTICKS": "`touch PWNED`",
    "O_BANG": "wow! !! !$ !-1",
    "O_BACKSLASHES": "a\\b\\\\c ends\\",
    "O_NEWLINES": "line1\nline2\n",
    "O_NO_NEWLINE": "line1\nno newline at the end",
    "O_TRAILING_SPACES": "spaces after  ",
    "O_PERCENT": "%s 100% %% ~ *",
    "O_UNICODE": "café 日本 🐚",
    "O_EMPTY": "",
    "O_BYTES": b"not utf-8: \xff\xfe".decode("utf-8", "surrogateescape"),
    "O_UNSET_BY_HOOK": "the hook unsets me: it's $gone `x` !",
    "O_SET_BY_HOOK": "the hook changes me\nto something else \\",
}
OVERRIDDEN = [n for n in ORIGINALS if n not in ("O_UNSET_BY_HOOK", "O_SET_BY_HOOK")]

# Variables a shell itself changes from one process to the next.
SHELL_OWN = {"SHLVL", "_"}


@dataclasses.dataclass
class Setup:
    sandbox: Sandbox
    a: Path  # project A (the sandbox's project)
    b: Path  # project B
    dump: str  # the command that dumps the environment to the file it is given
    env: dict[str, str]  # the starting environment


def make_setup(sandbox: Sandbox) -> Setup:
    """Environments A and B, each overriding variables and editing paths, and a
    `tool` program both on the original PATH and on A's hook's PATH."""
    root = sandbox.root
    for name, where in (("original", "bin-original"), ("from the hook", "bin-hook")):
        folder = root / where
        folder.mkdir()
        tool = folder / "tool"
        tool.write_text(f"#!/bin/sh\necho '{name}'\n")
        tool.chmod(0o755)
    sandbox.write_manifest(
        manifest(
            {
                **dict.fromkeys(OVERRIDDEN, "overridden by A"),
                "GREETING": "from A",
            },
            raw='PATH = "$FLOX_ENV_CACHE/bin:$PATH"',
            hook=(
                f"export PATH='{root}/bin-hook':\"$PATH\"\n"
                "export FROM_HOOK_A=1\n"
                "unset O_UNSET_BY_HOOK\n"
                "export O_SET_BY_HOOK='changed by the hook'\n"
                'export PYTHONPATH="/from/a${PYTHONPATH:+:$PYTHONPATH}"\n'
            ),
        ),
        name="A",
    )
    b = dataclasses.replace(sandbox, project=root / "projB")
    b.project.mkdir()
    b.write_manifest(
        manifest(
            {"VB": "from B", "GREETING": "from B", "O_QUOTES": "overridden by B"},
            hook='export FROM_HOOK_B=1\nexport PYTHONPATH="/from/b:$PYTHONPATH"\n',
        ),
        name="B",
    )
    dumper = root / "dump.py"
    dumper.write_text(
        "import json, os, sys\n"
        "with open(f'/proc/{os.getppid()}/comm') as f:\n"
        "    parent = f.read().strip()\n"
        "with open(sys.argv[1], 'w') as f:\n"
        "    json.dump({'env': dict(os.environ), 'parent': parent}, f)\n"
    )
    env = {
        **sandbox.env,
        **ORIGINALS,
        "PATH": f"{root}/bin-original:{sandbox.env['PATH']}",
        "PYTHONPATH": "/original/py",
    }
    sandbox.env = env
    return Setup(sandbox, sandbox.project, b.project, f"{sys.executable} {dumper}", env)


def load(path: Path) -> dict[str, object]:
    data: dict[str, object] = json.loads(path.read_text(encoding="utf-8"))
    return data


def env_of(path: Path) -> dict[str, str]:
    env = load(path)["env"]
    assert isinstance(env, dict)
    return env


def assert_outside(outside: dict[str, str], start: dict[str, str]) -> None:
    """`outside` is `start`, but for what a shell changes by itself: none of
    the activations' variables or paths, every original value exact."""
    for name in outside:
        if name not in start:  # FLOX_SHELL may be the user's own
            assert not name.startswith(("FLOX_", "_FLOX_", "_ACTIVATE_")), name
    for name in ("GREETING", "VB", "FROM_HOOK_A", "FROM_HOOK_B"):
        assert name not in outside, name
    assert ".flox" not in outside["PATH"] and "bin-hook" not in outside["PATH"]
    for name, value in ORIGINALS.items():
        assert outside.get(name) == value, name
    assert outside["PYTHONPATH"] == "/original/py"
    mine = {k: v for k, v in outside.items() if k not in SHELL_OWN}
    theirs = {k: v for k, v in start.items() if k not in SHELL_OWN}
    assert mine == theirs


def script(lines: list[str]) -> str:
    return "\n".join(lines) + "\n"


def source(shell: str, path: Path) -> str:
    return f"source {path}" if shell in ("fish", "tcsh") else f". {path}"


def test_subshell_then_in_place(sandbox: Sandbox, shell: str) -> None:
    """A started as `activate -c` (a new shell), B in place inside it."""
    s = make_setup(sandbox)
    out = sandbox.root
    inner = out / f"inner.{shell}"
    inner.write_text(
        script(
            [
                in_place(shell, "-d", str(s.b)),
                f"{s.dump} {out}/inside.json",
                f"{ACTIVATE} --outside -- {s.dump} {out}/outside.json",
            ]
        )
    )
    done = sandbox.shell(
        shell, script([f"{s.dump} {out}/start.json", f"{ACTIVATE} -c '{source(shell, inner)}'"])
    )
    assert done.returncode == 0, done.stderr
    # Inside: both environments are active.
    inside = env_of(out / "inside.json")
    assert (inside["GREETING"], inside["VB"], inside["FROM_HOOK_A"]) == ("from B", "from B", "1")
    assert "O_UNSET_BY_HOOK" not in inside
    assert "bin-hook" in inside["PATH"]
    assert_outside(env_of(out / "outside.json"), env_of(out / "start.json"))
    assert not (sandbox.project / "PWNED").exists()


def test_in_place_then_subshell(sandbox: Sandbox, shell: str) -> None:
    """A in place, then B as `activate -d B -c` inside it."""
    s = make_setup(sandbox)
    out = sandbox.root
    done = sandbox.shell(
        shell,
        script(
            [
                f"{s.dump} {out}/start.json",
                in_place(shell),
                f"{ACTIVATE} -d {s.b} -c '{ACTIVATE} --outside -- {s.dump} {out}/outside.json'",
            ]
        ),
    )
    assert done.returncode == 0, done.stderr
    assert_outside(env_of(out / "outside.json"), env_of(out / "start.json"))


def test_command_inside_command(sandbox: Sandbox) -> None:
    """A and B each as `activate --`, no shell at all: the environment outside
    is exactly the starting one, PATH finds the original `tool`, not the one
    A's hook put first, and the exit status comes back."""
    s = make_setup(sandbox)
    out = sandbox.root
    nested = ["--", ACTIVATE, "-d", str(s.b), "--"]
    assert sandbox.run([*nested, "tool"]).stdout == "from the hook\n"
    assert sandbox.run([*nested, ACTIVATE, "--outside", "--", "tool"]).stdout == "original\n"
    done = sandbox.run([*nested, ACTIVATE, "--outside", "--", "sh", "-c", "exit 7"])
    assert done.returncode == 7, done.stderr
    done = sandbox.run([*nested, ACTIVATE, "--outside", "--", *s.dump.split(), f"{out}/o.json"])
    assert done.returncode == 0, done.stderr
    assert env_of(out / "o.json") == s.env  # no shell in between: exactly the same


def export(shell: str, name: str, word: str) -> str:
    """The line of `shell` that exports `name` as the shell word `word`."""
    return {"fish": f"set -gx {name} {word}", "tcsh": f"setenv {name} {word}"}.get(
        shell, f"export {name}={word}"
    )


def test_in_place_twice_then_deactivate(sandbox: Sandbox, shell: str) -> None:
    """A and B in place; after `deactivate`, --outside still gives the start;
    after the last one, nothing is left, and a new activation records afresh."""
    s = make_setup(sandbox)
    out = sandbox.root
    done = sandbox.shell(
        shell,
        script(
            [
                f"{s.dump} {out}/start.json",
                in_place(shell),
                in_place(shell, "-d", str(s.b)),
                f"{ACTIVATE} --outside -- {s.dump} {out}/both.json",
                "deactivate",
                f"{ACTIVATE} --outside -- {s.dump} {out}/a-only.json",
                "deactivate",
                f"{s.dump} {out}/left.json",
                f"{ACTIVATE} --outside -- {s.dump} {out}/none.json",
                export(shell, "O_TRAILING_SPACES", "'changed after leaving'"),
                in_place(shell),
                f"{ACTIVATE} --outside -- {s.dump} {out}/again.json",
            ]
        ),
    )
    assert done.returncode == 0, done.stderr
    start = env_of(out / "start.json")
    assert_outside(env_of(out / "both.json"), start)
    assert_outside(env_of(out / "a-only.json"), start)
    left = env_of(out / "left.json")
    assert "_ACTIVATE_OUTSIDE" not in left  # deactivate removed the pointer with the rest
    assert "FLOX_ENV" not in left
    none = env_of(out / "none.json")  # nothing active: the environment as it is
    assert {k: v for k, v in none.items() if k != "_"} == {
        k: v for k, v in left.items() if k != "_"
    }
    again = env_of(out / "again.json")
    assert again["O_TRAILING_SPACES"] == "changed after leaving"  # recorded afresh
    assert "GREETING" not in again


def test_interactive_subshell_and_in_place(sandbox: Sandbox, shell: str) -> None:
    """Typed at a real interactive shell: `activate` (a subshell of A), then B
    in place in it, then `activate --outside -- CMD`."""
    from test_subshell import subshell_terminal

    s = make_setup(sandbox)
    t = subshell_terminal(shell, sandbox)
    try:
        start = t.env()
        t.send(ACTIVATE)
        assert t.run("tool") == "from the hook"
        t.run(in_place(shell, "-d", str(s.b)))
        assert t.prompt == "(B A) "
        path = sandbox.root / "outside.json"
        t.run(f"{ACTIVATE} --outside -- {s.dump} {path}")
        assert_outside(env_of(path), start)
        # The rc file had reset PATH before A started: the hook's `tool` is not on it.
        assert t.run(f"{ACTIVATE} --outside -- tool") == (
            "activate: error: tool: command not found\n"
            "  hint: it was looked for on PATH as it was before the activations"
        )
        t.send("exit")  # back in the first shell: nothing is active
        assert t.run(f"{ACTIVATE} --outside -- printenv O_QUOTES") == ORIGINALS["O_QUOTES"]
        assert "_ACTIVATE_OUTSIDE" not in t.env()
    finally:
        t.close()


def test_user_changes_after_activating(sandbox: Sandbox, shell: str) -> None:
    """Variables no activation touched keep what the user gave them since; a
    variable an activation set comes back as it was, whatever the user did."""
    s = make_setup(sandbox)
    out = sandbox.root
    done = sandbox.shell(
        shell,
        script(
            [
                in_place(shell),
                export(shell, "MINE", "'added by hand'"),
                export(shell, "LANG", "C"),
                export(shell, "GREETING", "'changed by hand'"),
                f"{ACTIVATE} --outside -- {s.dump} {out}/outside.json",
            ]
        ),
    )
    assert done.returncode == 0, done.stderr
    outside = env_of(out / "outside.json")
    assert outside["MINE"] == "added by hand"
    assert outside["LANG"] == "C"
    assert "GREETING" not in outside


def test_code_runs_with_the_users_shell_without_profile(sandbox: Sandbox, shell: str) -> None:
    """`--outside -c CODE`: the user's shell runs CODE outside; the profile
    (which says PROFILE-RAN) is not sourced again; the shell's status is activate's."""
    s = make_setup(sandbox)
    sandbox.manifest.write_text(
        sandbox.manifest.read_text() + f"[profile]\n{shell} = 'echo PROFILE-RAN'\n"
    )
    out = sandbox.root
    code = f"{s.dump} {out}/outside.json; echo ran"
    lines = [in_place(shell), f"{ACTIVATE} --outside -c '{code}'", "echo back"]
    done = sandbox.shell(shell, script(lines))
    assert done.returncode == 0, done.stderr
    assert done.stdout == "PROFILE-RAN\nran\nback\n"  # the profile ran once: in place, not outside
    dumped = load(out / "outside.json")
    assert dumped["parent"] == shell  # the user's shell ran the code
    outside = dumped["env"]
    assert isinstance(outside, dict)
    assert "GREETING" not in outside and "FLOX_ENV" not in outside
    assert outside["O_QUOTES"] == ORIGINALS["O_QUOTES"]
    done = sandbox.shell(shell, script([in_place(shell), f"{ACTIVATE} --outside -c 'exit 3'"]))
    assert done.returncode == 3


def test_the_hook_can_run_a_command_outside(sandbox: Sandbox) -> None:
    """The outermost activation's hook, too, sees `--outside` work: with the
    environment activate started from, not the hook's own exports."""
    sandbox.write_manifest(
        manifest(
            {"O_QUOTES": "overridden"},
            hook=f'export FROM_HOOK=1\nexport SEEN="$({ACTIVATE} --outside -- printenv O_QUOTES)"',
        )
    )
    env = {"O_QUOTES": ORIGINALS["O_QUOTES"]}
    done = sandbox.run(["--", "printenv", "SEEN"], env=env)
    assert (done.returncode, done.stdout) == (0, ORIGINALS["O_QUOTES"] + "\n"), done.stderr


def test_nothing_active_runs_the_command_as_is(sandbox: Sandbox) -> None:
    """No environment, no manifest anywhere: the command runs plainly, argv
    untouched, with the environment as it is; its status is activate's."""
    folder = sandbox.root / "nowhere"
    folder.mkdir()
    done = sandbox.run(
        ["--outside", "--", "printf", "%s|", "a b", "$HOME", "", "`x`", "-c"], cwd=folder
    )
    assert (done.returncode, done.stdout, done.stderr) == (0, "a b|$HOME||`x`|-c|", "")
    assert sandbox.run(["--outside", "--", "sh", "-c", "exit 9"], cwd=folder).returncode == 9
    dump = sandbox.root / "plain.json"
    env = {**sandbox.env, "V": "it's $x\n"}
    done = sandbox.run(
        ["--outside", "--", sys.executable, "-c", DUMP_ENV, str(dump)], cwd=folder, env=env
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(dump.read_text()) == env
    missing = sandbox.run(["--outside", "--", "no-such-command"], cwd=folder)
    assert missing.returncode == 127
    assert "no-such-command: command not found" in missing.stderr
    assert sandbox.run(["--outside", "-c", "exit 4"], cwd=folder).returncode == 4


DUMP_ENV = "import json, os, sys; json.dump(dict(os.environ), open(sys.argv[1], 'w'))"


def test_the_saved_environment_is_private_and_its_loss_is_explained(sandbox: Sandbox) -> None:
    s = make_setup(sandbox)
    folder = sandbox.root / "runtime" / "activate" / "outside"
    done = sandbox.run(["--", ACTIVATE, "--outside", "--", "true"])
    assert done.returncode == 0, done.stderr
    files = list(folder.iterdir())
    assert len(files) == 1
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    assert stat.S_IMODE(files[0].stat().st_mode) == 0o600
    assert ORIGINALS["O_UNICODE"].encode() in files[0].read_bytes()
    # The same starting environment is saved once (the file is named by its content).
    assert sandbox.run(["--", "true"]).returncode == 0
    assert list(folder.iterdir()) == files
    # Removed (the state folder cleared): a clear error, and nothing runs.
    script = f"rm {files[0]}; {ACTIVATE} --outside -- echo ran"
    done = sandbox.run(["--", "sh", "-c", script])
    assert done.returncode == 1
    assert done.stdout == ""
    assert f"no longer saved: {files[0]} is gone" in done.stderr
    assert "hint: " in done.stderr
    assert s.env["O_QUOTES"] == ORIGINALS["O_QUOTES"]


def test_saved_environments_unused_for_30_days_are_removed(sandbox: Sandbox) -> None:
    sandbox.write_manifest("version = 1\n")
    folder = sandbox.root / "runtime" / "activate" / "outside"
    assert sandbox.run(["--", "true"]).returncode == 0
    [saved] = folder.iterdir()
    month_ago = time.time() - 31 * 24 * 3600
    os.utime(saved, (month_ago, month_ago))
    # An activation inside a shell that still points at it (a terminal left
    # open for a month) keeps it, though the clean-up runs as it starts.
    inside = {"_ACTIVATE_OUTSIDE": saved.name}
    assert sandbox.run(["--", "true"], env=inside).returncode == 0
    assert saved.exists() and saved.stat().st_mtime > month_ago + 3600
    # Unused for a month: the next activation to start removes it.
    os.utime(saved, (month_ago, month_ago))
    assert sandbox.run(["--", "true"], env={"ELSEWHERE": "1"}).returncode == 0
    assert not saved.exists()
    assert len(list(folder.iterdir())) == 1  # that activation's own


def test_an_environment_activate_did_not_record(sandbox: Sandbox) -> None:
    """FLOX_ENV set by Flox (or an older activate): an error, not a silent run."""
    done = sandbox.run(["--outside", "--", "echo", "ran"], env={"FLOX_ENV": "/elsewhere"})
    assert done.returncode == 1
    assert done.stdout == ""
    assert "FLOX_ENV=/elsewhere" in done.stderr and "hint: " in done.stderr


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--outside"], "--outside needs a command: activate --outside -- CMD [ARGS] or -c CODE"),
        (["--outside", "--print"], "--outside cannot be combined with --print"),
        (["--print", "--outside"], "--outside cannot be combined with --print"),
        (["--outside", "-d", ".", "--", "true"], "--outside cannot be combined with -d"),
        (["--outside", "--mode", "run", "-c", "true"], "--outside cannot be combined with --mode"),
        (["--outside", "--outside", "--", "true"], "--outside given twice"),
        (
            ["--outside", "status"],
            "unexpected argument 'status' (to run a command: activate --outside -- status ...)",
        ),
    ],
)
def test_usage_errors(sandbox: Sandbox, args: list[str], message: str) -> None:
    done = sandbox.run(args)
    assert done.returncode == 2
    assert message in done.stderr
    assert done.stdout == ""


def test_json_print_carries_no_bookkeeping(sandbox: Sandbox) -> None:
    make_setup(sandbox)
    done = sandbox.run(["--print", "--shell", "json"])
    assert done.returncode == 0, done.stderr
    assert "_ACTIVATE_OUTSIDE" not in json.loads(done.stdout)
    assert not (sandbox.root / "runtime" / "activate" / "outside").exists()


# [profile] code exporting a new variable, changing one from outside that no
# activation touched, and unsetting another (each shell's own spelling).
PROFILE_EXPORTS = {
    "bash": "export P_NEW='from the profile'\nexport P_CHANGED=changed\nunset P_UNSET\n",
    "zsh": "export P_NEW='from the profile'\nexport P_CHANGED=changed\nunset P_UNSET\n",
    "fish": "set -gx P_NEW 'from the profile'\nset -gx P_CHANGED changed\nset -e P_UNSET\n",
    "tcsh": "setenv P_NEW 'from the profile'\nsetenv P_CHANGED changed\nunsetenv P_UNSET\n",
}


@pytest.mark.parametrize("way", ["in place", "subshell"])
def test_what_the_profile_exports_is_undone(sandbox: Sandbox, shell: str, way: str) -> None:
    """The [profile] code runs in the user's shell after activate hands over:
    the shell itself notes the exported variables it set, changed or unset.
    tcsh notes names only: a value it changed (P_CHANGED) is not seen."""
    s = make_setup(sandbox)
    sandbox.manifest.write_text(
        sandbox.manifest.read_text() + f"[profile]\n{shell} = {toml_str(PROFILE_EXPORTS[shell])}\n"
    )
    sandbox.env.update({"P_CHANGED": "it's the 'original' $value\n", "P_UNSET": "was set\\ before"})
    out = sandbox.root
    inner = out / f"inner.{shell}"
    inner.write_text(
        script(
            [
                f"{s.dump} {out}/inside.json",
                f"{ACTIVATE} --outside -- {s.dump} {out}/outside.json",
            ]
        )
    )
    if way == "in place":
        lines = [f"{s.dump} {out}/start.json", in_place(shell), source(shell, inner)]
    else:
        # --shell: zsh execs a last simple command, so activate's parent is not zsh
        start = f"{ACTIVATE} --shell {shell} -c '{source(shell, inner)}'"
        lines = [f"{s.dump} {out}/start.json", start]
    done = sandbox.shell(shell, script(lines))
    assert done.returncode == 0, done.stderr
    inside = env_of(out / "inside.json")
    assert (inside["P_NEW"], inside["P_CHANGED"]) == ("from the profile", "changed")
    assert "P_UNSET" not in inside
    outside = env_of(out / "outside.json")
    assert "P_NEW" not in outside
    assert outside["P_UNSET"] == "was set\\ before"
    if shell != "tcsh":
        assert outside["P_CHANGED"] == "it's the 'original' $value\n"
        assert_outside(outside, env_of(out / "start.json"))
