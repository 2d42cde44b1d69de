"""Each shell's generated code, pinned in files under tests/snapshots/<shell>/.

The files were written once and then read line by line and checked by hand and
by the real shells; these tests only compare against them and never write them
(there is no update switch: a change to generated code means reading the new
code and editing the file by hand). The snapshot code is also checked by each
real shell, and the launch code is run for real.

- ops.<ext>: `render.ops` for a fixed list of operations (the in-place code)
- launch.<ext>: `render.launch` for a fixed plan (the code a new shell sources)
- startup.txt: `startup(...)`'s argv and environment changes, shown one per line
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from collections.abc import Mapping
from pathlib import Path

import pytest

from activator import bundled, render
from activator.operations import Op, PathEdit, Prompt, SetVar, Source, UnsetVar
from activator.shells import SHELLS

from conftest import shell_path

SNAPSHOTS = Path(__file__).resolve().parent / "snapshots"
NAMES = sorted(SHELLS)

# A value with every kind of character a shell might act on.
HOSTILE = 'it\'s "$HOME" `id` $(id) !! \\ 100%\ttab\nline 2 é'

OPS: list[Op] = [
    SetVar("GREETING", HOSTILE),
    SetVar("TRAILING", "ends with \\"),
    SetVar("EMPTY", ""),
    UnsetVar("OLD_VAR"),
    Source("/project/.flox/cache/env's.profile-common"),
    Prompt("demo $(x)!"),
]

FRONT = ("/project/.flox/run/bin", "/project/.flox/run/sbin")
PLAN: list[Op] = [
    SetVar("FLOX_ENV", "/project/.flox/run"),
    PathEdit("PATH", front=FRONT),
    PathEdit("MANPATH", front=("/project/.flox/run/share/man",), default=""),
    SetVar("GREETING", HOSTILE),
    UnsetVar("GONE"),
    # A hook's changes, replayed: added before and after, and one entry removed.
    PathEdit(
        "PATH", front=("/project/hook's bin",), back=("/opt/late bin",), remove=("/usr/local/bin",)
    ),
]
FINAL = {
    "FLOX_ENV": "/project/.flox/run",
    "PATH": "/final/path/is/not/used:/usr/bin",
    "MANPATH": "/project/.flox/run/share/man:",
    "GREETING": HOSTILE,
}
# The PATH the launch code makes of a shell's own PATH, after its rc files.
HOOK_FRONT = "/project/hook's bin"
LAUNCHED_PATH = {
    "/usr/bin:/bin": [HOOK_FRONT, *FRONT, "/usr/bin", "/bin", "/opt/late bin"],
    # Our entries already there (twice) are moved, never duplicated; removed ones go.
    "/usr/local/bin:/project/.flox/run/sbin:/usr/bin:/project/hook's bin:/bin:/project/.flox/run/sbin": [
        HOOK_FRONT,
        *FRONT,
        "/usr/bin",
        "/bin",
        "/opt/late bin",
    ],
}


def profile(name: str) -> list[str]:
    return [
        "/project/.flox/cache/env's.profile-common",
        f"/project/.flox/cache/env's.profile-{name}",
    ]


def self_path(name: str) -> str:
    return f"/state/launch/abc.{SHELLS[name].EXT}"


def launch_code(name: str) -> str:
    return render.launch(
        SHELLS[name],
        PLAN,
        FINAL,
        profile(name),
        "demo",
        self_path(name),
        "/bin/rm",
        "/opt/activate/bin/activate",
        shell_dir=BUNDLED,
    )


# startup(): the same fixed inputs for every shell.
BUNDLED = "/opt/activate/shell"
COMMAND = 'echo "it\'s" $HOME; exit 3'
USER_ENVIRON = {
    "HOME": "/home/user",
    "PATH": "/usr/bin:/bin",
    "BASH_ENV": "/home/user/.bash_env",
    "ZDOTDIR": "/home/user/.zsh",
}
STARTUP_CASES = [
    ("interactive", None, USER_ENVIRON),
    ("-c", COMMAND, USER_ENVIRON),
    ("interactive, no HOME/BASH_ENV/ZDOTDIR", None, {"PATH": "/usr/bin:/bin"}),
    ("-c, no HOME/BASH_ENV/ZDOTDIR", COMMAND, {"PATH": "/usr/bin:/bin"}),
]


def startup_text(name: str) -> str:
    """Each case's argv and environment changes, one Python repr per line."""
    mod = SHELLS[name]
    out = []
    for title, command, environ in STARTUP_CASES:
        argv, env = mod.startup(f"/usr/bin/{name}", self_path(name), command, environ, BUNDLED)
        out.append(f"# {title}")
        out.append("argv:")
        out += [f"  {a!r}" for a in argv]
        out.append("env:")
        out += [
            f"  {k} = {'(unset)' if v is None else repr(v)}" for k, v in sorted(env.items())
        ] or ["  (no changes)"]
        out.append("")
    return "\n".join(out)


def snapshot(name: str, kind: str) -> Path:
    ext = "txt" if kind == "startup" else SHELLS[name].EXT
    return SNAPSHOTS / name / f"{kind}.{ext}"


def expected(name: str, kind: str) -> str:
    return snapshot(name, kind).read_text(encoding="utf-8")


# --- the generated code equals the files ------------------------------------------


@pytest.mark.parametrize("name", NAMES)
def test_ops_code_matches_snapshot(name: str) -> None:
    assert render.ops(SHELLS[name], OPS) == expected(name, "ops")


@pytest.mark.parametrize("name", NAMES)
def test_launch_code_matches_snapshot(name: str) -> None:
    assert launch_code(name) == expected(name, "launch")


@pytest.mark.parametrize("name", NAMES)
def test_startup_matches_snapshot(name: str) -> None:
    assert startup_text(name) == expected(name, "startup")


def test_every_shell_has_snapshots() -> None:
    assert sorted(p.name for p in SNAPSHOTS.iterdir() if p.is_dir()) == NAMES
    for name in NAMES:
        for kind in ("ops", "launch", "startup"):
            assert snapshot(name, kind).is_file()


# The startup files each shell reads from the bundled folder startup points it at.
BUNDLED_FILES = {
    "bash": ["bash/rc.bash", "bash/env.bash"],
    "zsh": ["zsh/.zshenv", "zsh/.zprofile", "zsh/.zshrc", "zsh/.zlogin"],
    "fish": [],
    "tcsh": ["tcsh/.tcshrc"],
}


@pytest.mark.parametrize("name", NAMES)
def test_startup_names_bundled_files_that_exist(name: str) -> None:
    """With the real bundled folder, every bundled path startup gives exists."""
    shell_dir = bundled.shell_dir()
    for command in (None, COMMAND):
        argv, env = SHELLS[name].startup(
            f"/usr/bin/{name}", self_path(name), command, USER_ENVIRON, shell_dir
        )
        for value in (*argv, *env.values()):
            if value and value.startswith(shell_dir):
                assert os.path.exists(value), value
    for rel in BUNDLED_FILES[name]:
        assert os.path.isfile(os.path.join(shell_dir, rel)), rel


# --- the snapshot code is valid code of its shell -----------------------------------

PY = sys.executable
SHOWN = ["PATH", "MANPATH", "GREETING", "TRAILING", "EMPTY", "FLOX_ENV", "GONE", "OLD_VAR"]
SHOWN += ["PROFILE_COMMON", "PROFILE_SHELL"]
# Prints those variables as JSON from any shell (no `!`, `$` or newline in it).
SHOW = (
    f"{PY} -I -S -c 'import json,os;"
    f"print(json.dumps({{k: os.environ.get(k) for k in {json.dumps(SHOWN)}}}))'"
)
# dash runs bash's code (activate gives sh and dash the bash family's code).
FAMILY = {"bash": "bash", "zsh": "zsh", "fish": "fish", "tcsh": "tcsh", "dash": "bash"}
SOURCE = {"bash": ".", "zsh": ".", "fish": "source", "tcsh": "source"}
SET = {
    "bash": "export {0}=ran",
    "zsh": "export {0}=ran",
    "fish": "set -gx {0} ran",
    "tcsh": "setenv {0} ran",
}
# What each shell leaves behind if its helpers are not cleaned up.
LEFTOVERS = {
    "bash": "type __activate_path_edit >/dev/null 2>&1 && echo LEFTOVER",
    "zsh": "type __activate_path_edit >/dev/null 2>&1 && echo LEFTOVER",
    "fish": "set -q __activate_keep __activate_e; and echo LEFTOVER",
    "tcsh": "if ( $?_activate_keep || $?_activate_e ) echo LEFTOVER",
}


@pytest.mark.parametrize("kind", ["ops", "launch"])
@pytest.mark.parametrize("name", ["bash", "zsh", "fish"])
def test_snapshot_passes_syntax_check(name: str, kind: str) -> None:
    flag = "--no-execute" if name == "fish" else "-n"
    proc = subprocess.run(
        [shell_path(name), flag, str(snapshot(name, kind))], capture_output=True, text=True
    )
    assert (proc.returncode, proc.stderr) == (0, "")


@pytest.mark.parametrize("kind", ["ops", "launch"])
def test_bash_snapshot_passes_dash_syntax_check(kind: str) -> None:
    """sh and dash are given bash's code (the in-place code is eval'd by them)."""
    proc = subprocess.run(
        [shell_path("dash"), "-n", str(snapshot("bash", kind))], capture_output=True, text=True
    )
    assert (proc.returncode, proc.stderr) == (0, "")


def sandbox(tmp_path: Path, name: str, kind: str) -> tuple[Path, dict[str, str]]:
    """The snapshot with /project and /state moved under `tmp_path` (the profile
    files there, the launch file at its own self path), and a clean environment."""
    project = tmp_path / "project"
    (project / ".flox" / "cache").mkdir(parents=True)
    for key in ("common", name):
        var = "PROFILE_COMMON" if key == "common" else "PROFILE_SHELL"
        text = SET[FAMILY[name]].format(var) + "\n"
        (project / ".flox" / "cache" / f"env's.profile-{key}").write_text(text)
    family = FAMILY[name]
    code = expected(family, kind).replace("/project/", f"{project}/")
    path = tmp_path / f"{kind}.{SHELLS[family].EXT}"
    if kind == "launch":
        path = tmp_path / self_path(family).lstrip("/")
        path.parent.mkdir(parents=True)
        assert self_path(family) in code
        code = code.replace(self_path(family), str(path))
    path.write_text(code, encoding="utf-8")
    home = tmp_path / "home"
    home.mkdir()
    env = {
        "PATH": "/usr/bin:/bin",
        "HOME": str(home),
        "LANG": "C.UTF-8",
        "LC_ALL": "C.UTF-8",
        "GONE": "old",
        "OLD_VAR": "old",
    }
    return path, env


def run_sourced(
    name: str, path: Path, env: Mapping[str, str], cwd: Path, before: str = ""
) -> subprocess.CompletedProcess[str]:
    """A non-interactive shell (no rc files) running `before`, sourcing `path`, then
    showing the result."""
    family = FAMILY[name]
    script = cwd / f"driver.{SHELLS[family].EXT}"
    script.write_text(f"{before}\n{SOURCE[family]} '{path}'\n{LEFTOVERS[family]}\n{SHOW}\n")
    flags = {
        "bash": ["--norc", "--noprofile"],
        "zsh": ["-f"],
        "fish": ["--no-config"],
        "tcsh": ["-f"],
        "dash": [],
    }
    return subprocess.run(
        [shell_path(name), *flags[name], str(script)],
        cwd=cwd,
        env=dict(env),
        capture_output=True,
        text=True,
        timeout=30,
    )


@pytest.mark.parametrize("kind", ["ops", "launch"])
def test_tcsh_snapshot_sources_cleanly(tmp_path: Path, kind: str) -> None:
    """tcsh has no syntax-check flag: source the code in a sandboxed tcsh."""
    path, env = sandbox(tmp_path, "tcsh", kind)
    proc = run_sourced("tcsh", path, env, tmp_path)
    assert (proc.returncode, proc.stderr) == (0, "")
    assert json.loads(proc.stdout)["PROFILE_COMMON"] == "ran"


@pytest.mark.parametrize("name", [*NAMES, "dash"])
def test_ops_code_sets_exact_values(tmp_path: Path, name: str) -> None:
    path, env = sandbox(tmp_path, name, "ops")
    proc = run_sourced(name, path, env, tmp_path)
    assert proc.stderr == ""
    got = json.loads(proc.stdout)
    assert got["GREETING"] == HOSTILE
    assert got["TRAILING"] == "ends with \\"
    assert got["EMPTY"] == ""
    assert got["OLD_VAR"] is None
    assert got["PATH"] == "/usr/bin:/bin"
    assert (got["PROFILE_COMMON"], got["PROFILE_SHELL"]) == ("ran", None)


@pytest.mark.parametrize("start", list(LAUNCHED_PATH), ids=["plain", "with-ours-already"])
@pytest.mark.parametrize("name", NAMES)
def test_launch_code_runs(tmp_path: Path, name: str, start: str) -> None:
    """Run by the real shell, the launch code puts the front entries first, once,
    sets and unsets the rest, sources both profiles and deletes itself."""
    path, env = sandbox(tmp_path, name, "launch")
    project = str(tmp_path / "project")
    env["PATH"] = start.replace("/project/", f"{project}/")
    proc = run_sourced(name, path, env, tmp_path)
    assert proc.stderr == ""
    got = json.loads(proc.stdout)  # only the JSON: no LEFTOVER line
    entries = got["PATH"].split(":")
    want = [e.replace("/project/", f"{project}/") for e in LAUNCHED_PATH[start]]
    assert entries[:3] == want[:3]
    assert len(entries) == len(set(entries))
    assert entries == want
    assert got["MANPATH"] == f"{project}/.flox/run/share/man:"
    assert got["GREETING"] == HOSTILE
    assert got["FLOX_ENV"] == f"{project}/.flox/run"
    assert got["GONE"] is None
    assert (got["PROFILE_COMMON"], got["PROFILE_SHELL"]) == ("ran", "ran")
    assert not path.exists(), "the launch file did not delete itself"


# Each shell's way for an rc file to remove PATH altogether.
UNSET_PATH = {
    "bash": "unset PATH",
    "zsh": "unset PATH",
    "fish": "set -e PATH",
    "tcsh": "unset path",
}


@pytest.mark.parametrize("name", NAMES)
def test_launch_code_runs_when_rc_files_removed_path(tmp_path: Path, name: str) -> None:
    """An rc file that removes PATH: the launch code still builds PATH from its own
    entries and runs to the end (variables, profiles). Only its first line, the
    self-delete, cannot find `rm` then: that complaint is the one allowed."""
    path, env = sandbox(tmp_path, name, "launch")
    project = str(tmp_path / "project")
    proc = run_sourced(name, path, env, tmp_path, before=UNSET_PATH[name])
    errors = [e for e in proc.stderr.splitlines() if not re.search(r"\brm\b", e)]
    assert errors == []
    got = json.loads(proc.stdout)
    want = [HOOK_FRONT, *FRONT, "/opt/late bin"]
    assert got["PATH"] == ":".join(e.replace("/project/", f"{project}/") for e in want)
    assert got["GREETING"] == HOSTILE
    assert (got["PROFILE_COMMON"], got["PROFILE_SHELL"]) == ("ran", "ran")


# Interactive shells sourcing the in-place code twice: the label comes once.
PROMPT_SCRIPTS = {
    "bash": "PS1='orig> '\n. '{ops}'\n. '{ops}'\nprintf '%s' \"$PS1\" > prompt.out\nexit\n",
    "zsh": "PS1='orig> '\n. '{ops}'\n. '{ops}'\nprintf '%s' \"$PS1\" > prompt.out\nexit\n",
    "dash": "PS1='orig> '\n. '{ops}'\n. '{ops}'\nprintf '%s' \"$PS1\" > prompt.out\nexit\n",
    "tcsh": "set prompt = 'orig> '\nsource '{ops}'\nsource '{ops}'\n"
    "printf '%s' \"$prompt\" > prompt.out\nexit\n",
    "fish": "function fish_prompt; printf 'orig> '; end; source '{ops}'; source '{ops}'; "
    "fish_prompt > prompt.out",
}


@pytest.mark.parametrize("name", [*NAMES, "dash"])
def test_ops_prompt_code_prefixes_the_prompt_once(tmp_path: Path, name: str) -> None:
    path, env = sandbox(tmp_path, name, "ops")
    script = PROMPT_SCRIPTS[name].format(ops=path)
    flags = {"bash": ["--norc", "-i"], "zsh": ["-f", "-i"], "tcsh": ["-f", "-i"], "dash": ["-i"]}
    if name == "fish":
        argv, stdin = [shell_path(name), "--no-config", "-i", "-c", script], ""
    else:
        argv, stdin = [shell_path(name), *flags[name]], script
    env["TERM"] = "dumb"
    subprocess.run(
        argv, cwd=tmp_path, env=env, input=stdin, capture_output=True, text=True, timeout=30
    )
    assert (tmp_path / "prompt.out").read_text() == "(demo __x__) orig> "
