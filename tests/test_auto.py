"""Auto-activation on `cd` (`activate hook SHELL`, `allow`, `deny`), in real
interactive shells through a pseudo-terminal, all four.

Each test writes the hook line into the sandbox's startup file (after its
hostile lines, which reset PATH and set the prompt), then types commands at
the prompt as a user would and checks what the user would see: the
variables, the `[profile]` code, the prompt's label and the messages.
"""

from __future__ import annotations

import json
import re
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

import conftest
from conftest import ACTIVATE, Sandbox, manifest

TIMEOUT = 20

HOSTILE_VALUE = (
    "'quote' \"dq\" $dollar ${brace} `backtick` !bang !! back\\slash %percent "
    "ünï 日本 🐚 new\nline trailing\\"
)

# The hook line each shell's startup file gets (activate by its absolute
# path: the hostile rc files reset PATH).
HOOK_LINE = {
    "bash": f'eval "$({ACTIVATE} hook bash)"',
    "zsh": f'eval "$({ACTIVATE} hook zsh)"',
    "fish": f"{ACTIVATE} hook fish | source",
    "tcsh": f'eval "`{ACTIVATE} hook tcsh`"',
}
RC = {
    "bash": ".bashrc",
    "zsh": ".zshrc",
    "fish": ".config/fish/config.fish",
    "tcsh": ".tcshrc",
}
# [profile] code: a function (an alias in tcsh) the tests look for.
PROFILE = {
    "bash": "autofn() { echo AUTOFN; }",
    "zsh": "autofn() { echo AUTOFN; }",
    "fish": "function autofn; echo AUTOFN; end",
    "tcsh": "alias autofn 'echo AUTOFN'",
}
# Prints HAS when the profile's autofn exists, else NONE.
HAS_AUTOFN = {
    "bash": "if type autofn >/dev/null 2>&1; then echo HAS; else echo NONE; fi",
    "zsh": "if whence -w autofn >/dev/null 2>&1; then echo HAS; else echo NONE; fi",
    "fish": "if functions -q autofn; echo HAS; else; echo NONE; end",
    "tcsh": "(alias autofn; echo) | grep -q AUTOFN && echo HAS || echo NONE",
}

# Variables the shell or the terminal change by themselves.
VOLATILE = {"PWD", "OLDPWD", "_", "SHLVL", "COLUMNS", "LINES"}


def write_project(folder: Path, vars: dict[str, str], hook: str | None = None) -> Path:
    """A project in `folder`: its manifest, and env.json naming it after the folder."""
    (folder / ".flox" / "env").mkdir(parents=True, exist_ok=True)
    (folder / ".flox" / "env.json").write_text(json.dumps({"name": folder.name, "version": 1}))
    path = folder / ".flox" / "env" / "manifest.toml"
    path.write_text(manifest(vars, hook, PROFILE), encoding="utf-8")
    return path


def write_including(root: Path, from_base: str) -> tuple[Path, Path]:
    """Projects `root`/base (FROM_BASE = `from_base`) and `root`/app (AUTO_VALUE
    = v), which includes base: base's manifest, and app's folder."""
    base_manifest = write_project(root / "base", {"FROM_BASE": from_base})
    own = write_project(root / "app", {"AUTO_VALUE": "v"})
    own.write_text(own.read_text() + '[include]\nenvironments = [{ dir = "../base" }]\n')
    return base_manifest, root / "app"


class Terminal(conftest.Terminal):
    """One interactive shell in a pseudo-terminal, the hook in its startup file."""

    def __init__(self, shell: str, sandbox: Sandbox, before: str = "", **env: str) -> None:
        rc = sandbox.home / RC[shell]
        rc.write_text(rc.read_text() + before + "\n" + HOOK_LINE[shell] + "\n")
        self.shell = shell
        super().__init__(shell, sandbox, sandbox.root, env, TIMEOUT)

    def has_autofn(self) -> bool:
        """Whether the profile's function (tcsh: alias) is defined."""
        out = self.run(HAS_AUTOFN[self.shell]).split("\n")[-1]
        assert out in ("HAS", "NONE"), out
        return out == "HAS"


@pytest.fixture
def terminals() -> Iterator[list[Terminal]]:
    opened: list[Terminal] = []
    yield opened
    for t in opened:
        t.close()


def open_terminal(
    opened: list[Terminal], shell: str, sandbox: Sandbox, before: str = "", **env: str
) -> Terminal:
    t = Terminal(shell, sandbox, before, **env)
    opened.append(t)
    return t


def stable(env: dict[str, str]) -> dict[str, str]:
    return {k: v for k, v in env.items() if k not in VOLATILE}


def test_allow_enter_leave(sandbox: Sandbox, shell: str, terminals: list[Terminal]) -> None:
    """Not allowed: one message, nothing on. Allowed: on at the next prompt,
    with the variables, the profile and the label. Leaving: all gone."""
    app = sandbox.root / "app"
    app.mkdir()
    write_project(app, {"AUTO_VALUE": HOSTILE_VALUE})
    t = open_terminal(terminals, shell, sandbox)
    before = stable(t.env())
    t.run(f"cd '{app}'")
    assert t.said == (
        f'activate: {app}/.flox is not allowed to activate automatically; run "activate allow" to allow it'
    )
    assert "AUTO_VALUE" not in t.env()
    assert t.said == ""  # no repeat at the next prompts
    t.run("true")
    assert t.said == "" and "(app)" not in t.prompt
    t.run(f"{ACTIVATE} allow")
    assert "(app)" in t.prompt
    env = t.env()
    assert env["AUTO_VALUE"] == HOSTILE_VALUE
    assert env["FLOX_ENV_PROJECT"] == str(app)
    assert t.has_autofn()
    status = json.loads(t.run(f"{ACTIVATE} status --json"))
    assert status["project"]["auto"] == "allowed"
    assert [e["name"] for e in status["active"]] == ["app"]
    t.run("cd ..")
    assert "(app)" not in t.prompt and t.said == ""
    assert stable(t.env()) == before
    assert not t.has_autofn()
    t.run(f"cd '{app}'")  # allowed: on again, no message
    assert "(app)" in t.prompt and t.said == ""
    assert t.env()["AUTO_VALUE"] == HOSTILE_VALUE


def test_nested_projects(sandbox: Sandbox, shell: str, terminals: list[Terminal]) -> None:
    """Both on inside the inner one, outermost first; leaving the inner one
    deactivates only it."""
    outer = sandbox.root / "outer"
    inner = outer / "src" / "inner"
    inner.mkdir(parents=True)
    write_project(outer, {"OUTER": "o", "BOTH": "outer"})
    write_project(inner, {"INNER": "i", "BOTH": "inner"})
    sandbox.run(["allow", "-d", str(outer)])
    sandbox.run(["allow", "-d", str(inner)])
    t = open_terminal(terminals, shell, sandbox)
    t.run(f"cd '{inner}'")
    env = t.env()
    assert (env["OUTER"], env["INNER"], env["BOTH"]) == ("o", "i", "inner")
    assert env["FLOX_PROMPT_ENVIRONMENTS"] == "inner outer"  # newest first
    assert "(inner outer)" in t.prompt
    t.run("cd ..")
    env = t.env()
    assert (env["OUTER"], env.get("INNER"), env["BOTH"]) == ("o", None, "outer")
    assert "(outer)" in t.prompt
    t.run("cd /")
    assert "OUTER" not in t.env()


def test_deactivate_stays_off_until_left(
    sandbox: Sandbox, shell: str, terminals: list[Terminal]
) -> None:
    """`deactivate` keeps it off (a subfolder too) until the shell leaves and
    comes back."""
    app = sandbox.root / "app"
    (app / "sub").mkdir(parents=True)
    write_project(app, {"AUTO_VALUE": "v"})
    sandbox.run(["allow", "-d", str(app)])
    t = open_terminal(terminals, shell, sandbox)
    t.run(f"cd '{app}'")
    assert t.env()["AUTO_VALUE"] == "v"
    t.run("deactivate")
    t.run("true")
    t.run("cd sub")
    assert "AUTO_VALUE" not in t.env()
    assert "(app)" not in t.prompt
    t.run("cd /")
    t.run(f"cd '{app}'")
    assert t.env()["AUTO_VALUE"] == "v"
    assert "(app)" in t.prompt


def test_edit_withdraws_trust(sandbox: Sandbox, shell: str, terminals: list[Terminal]) -> None:
    """An edit deactivates it with one message; allowing the new version
    activates it again (the new content); `deny` deactivates it."""
    app = sandbox.root / "my app $x"  # watched by its path: spaces and `$` too
    app.mkdir()
    path = write_project(app, {"AUTO_VALUE": "first"})
    sandbox.run(["allow", "-d", str(app)])
    t = open_terminal(terminals, shell, sandbox)
    t.run(f"cd '{app}'")
    assert t.env()["AUTO_VALUE"] == "first"
    path.write_text(manifest({"AUTO_VALUE": "second"}, profile=PROFILE))
    t.run("true")
    assert t.said == (
        f"activate: {app}/.flox changed since it was allowed: it is not allowed to "
        'activate automatically; run "activate allow" to allow it again'
    )
    assert "AUTO_VALUE" not in t.env()
    assert t.said == ""
    t.run("true")
    assert t.said == ""  # once
    status = json.loads(t.run(f"{ACTIVATE} status --json"))
    assert status["project"]["auto"] == "changed"
    t.run(f"{ACTIVATE} allow")
    assert t.env()["AUTO_VALUE"] == "second"
    t.run(f"{ACTIVATE} deny")
    assert "AUTO_VALUE" not in t.env()
    assert "(my app" not in t.prompt
    t.run("cd /")
    t.run(f"cd '{app}'")
    assert "is not allowed" in t.said


def test_user_prompt_hooks_kept(sandbox: Sandbox, shell: str, terminals: list[Terminal]) -> None:
    """What the user's startup file put in the prompt hooks still runs."""
    marks = sandbox.root / "marks"
    before = {
        "bash": f"PROMPT_COMMAND='echo pc >> {marks}'",
        "zsh": f"mine() {{ echo precmd >> {marks}; }}; precmd_functions=(mine); "
        f"onchange() {{ echo chpwd >> {marks}; }}; chpwd_functions=(onchange)",
        "fish": f"function mine --on-event fish_prompt; echo prompt >> {marks}; end",
        "tcsh": f"alias precmd 'echo precmd >> {marks}'",
    }[shell]
    app = sandbox.root / "app"
    app.mkdir()
    write_project(app, {"AUTO_VALUE": "v"})
    sandbox.run(["allow", "-d", str(app)])
    t = open_terminal(terminals, shell, sandbox, before)
    t.run(f"cd '{app}'")
    assert t.env()["AUTO_VALUE"] == "v"
    lines = marks.read_text().split()
    assert len(lines) >= 2
    if shell == "zsh":
        assert "chpwd" in lines and "precmd" in lines


def test_bash_prompt_command_array(sandbox: Sandbox, terminals: list[Terminal]) -> None:
    """bash: a PROMPT_COMMAND array keeps its elements, the hook is added
    once (the hook line runs twice here)."""
    marks = sandbox.root / "marks"
    app = sandbox.root / "app"
    app.mkdir()
    write_project(app, {"AUTO_VALUE": "v"})
    sandbox.run(["allow", "-d", str(app)])
    array = f"PROMPT_COMMAND=('echo one >> {marks}' 'echo two >> {marks}')"
    t = open_terminal(terminals, "bash", sandbox, array + "\n" + HOOK_LINE["bash"])  # twice
    t.run(f"cd '{app}'")
    assert t.env()["AUTO_VALUE"] == "v"
    assert t.run("echo ${#PROMPT_COMMAND[@]}") == "3"
    assert "one" in marks.read_text() and "two" in marks.read_text()


@pytest.mark.parametrize("shell", ["bash", "zsh"])
def test_set_u_and_e(sandbox: Sandbox, shell: str, terminals: list[Terminal]) -> None:
    """The hook works, and the shell survives, under set -u and set -e; with NO_COLOR."""
    app = sandbox.root / "app"
    app.mkdir()
    write_project(app, {"AUTO_VALUE": "v"})
    t = open_terminal(terminals, shell, sandbox, "set -eu", NO_COLOR="1")
    t.run(f"cd '{app}'")
    assert "is not allowed" in t.said
    t.run(f"{ACTIVATE} allow")
    assert t.env()["AUTO_VALUE"] == "v"
    t.run("deactivate")
    t.run("cd /")
    t.run(f"cd '{app}'")
    assert t.env()["AUTO_VALUE"] == "v"
    t.run("cd /")
    assert "AUTO_VALUE" not in t.env()


def test_no_double_activation(sandbox: Sandbox, shell: str, terminals: list[Terminal]) -> None:
    """In a shell started by `activate`, and after an explicit in-place
    activation, the hook activates nothing again; an auto-activation holds
    the activation (others attach) and leaving releases it."""
    app = sandbox.root / "app"
    app.mkdir()
    count = sandbox.root / "count"
    write_project(app, {"AUTO_VALUE": "v"}, hook=f"echo run >> '{count}'")
    sandbox.run(["allow", "-d", str(app)])
    t = open_terminal(terminals, shell, sandbox)
    t.run(f"cd '{app}'")
    assert len(count.read_text().split()) == 1
    # attach: the hook does not run again while the shell holds the activation
    assert t.run(f"{ACTIVATE} -- printenv AUTO_VALUE") == "v"
    assert len(count.read_text().split()) == 1
    t.run("cd /")
    assert t.run(f"{ACTIVATE} -d '{app}' -- printenv AUTO_VALUE") == "v"
    assert len(count.read_text().split()) == 2  # released on leaving: a fresh start
    # a shell started by activate (its startup file has the hook too)
    t.child.sendline(f"cd '{app}'; {ACTIVATE}")
    t.child.expect("hostile")
    env = t.env()
    assert env["AUTO_VALUE"] == "v"
    assert env.get("_ACTIVATE_INPLACE", "") == ""  # not activated in place on top
    assert json.loads(env["_FLOX_ACTIVE_ENVIRONMENTS"])[0]["name"] == "app"
    assert len(json.loads(env["_FLOX_ACTIVE_ENVIRONMENTS"])) == 1


def test_allow_covers_included_manifests(sandbox: Sandbox) -> None:
    """The permission covers the manifests the manifest includes: an edit to
    one of them withdraws it, and `activate allow` gives it back."""
    base_manifest, app = write_including(sandbox.root, "1")

    def auto() -> str:
        done = sandbox.run(["status", "--json"], cwd=app)
        assert done.returncode == 0, done.stderr
        value: str = json.loads(done.stdout)["project"]["auto"]
        return value

    assert auto() == "not allowed"
    done = sandbox.run(["allow"], cwd=app)
    assert done.returncode == 0 and done.stdout == ""
    assert "(and the 1 it includes)" in done.stderr
    assert auto() == "allowed"
    base_manifest.write_text(base_manifest.read_text() + "# an edit\n")
    assert auto() == "changed"
    sandbox.run(["allow"], cwd=app)
    assert auto() == "allowed"
    done = sandbox.run(["deny"], cwd=app)
    assert done.returncode == 0 and "may no longer activate automatically" in done.stderr
    assert auto() == "not allowed"
    trust = sandbox.home / ".local" / "share" / "activate" / "trust"
    assert trust.stat().st_mode & 0o777 == 0o700


def test_allow_refuses_a_bare_manifest_file(sandbox: Sandbox) -> None:
    """Only a project's .flox/env/manifest.toml activates automatically."""
    bare = sandbox.root / "tools.toml"
    bare.write_text("version = 1\n")
    done = sandbox.run(["allow", "-f", str(bare)])
    assert done.returncode == 2
    assert "only those activate automatically" in done.stderr


def test_trust_records_are_private(sandbox: Sandbox) -> None:
    """The trust store is a 0700 folder of 0600 files."""
    write_project(sandbox.project, {"AUTO_VALUE": "v"})
    assert sandbox.run(["allow"]).returncode == 0
    trust = sandbox.home / ".local" / "share" / "activate" / "trust"
    assert trust.stat().st_mode & 0o777 == 0o700
    records = list(trust.iterdir())
    assert len(records) == 1
    assert records[0].stat().st_mode & 0o777 == 0o600


def test_activate_runs_only_when_something_changed(
    sandbox: Sandbox, shell: str, terminals: list[Terminal]
) -> None:
    """The hook starts `activate` (which rewrites the shell's stamp file) only
    when the projects the shell is in or a watched file changed: not at a
    plain prompt, nor on a cd within a project or between folders outside
    any project."""
    app = sandbox.root / "app"
    (app / "sub" / "deeper").mkdir(parents=True)
    (sandbox.root / "out1").mkdir()
    (sandbox.root / "out2").mkdir()
    write_project(app, {"AUTO_VALUE": "v"})
    sandbox.run(["allow", "-d", str(app)])
    t = open_terminal(terminals, shell, sandbox)
    stamp = Path(t.run("echo $_activate_auto_stamp"))

    def runs_of_activate(command: str) -> bool:
        before = stamp.stat().st_mtime_ns
        t.run(command)
        return stamp.stat().st_mtime_ns != before

    assert runs_of_activate(f"cd '{app}'")  # entering
    assert t.env()["AUTO_VALUE"] == "v"
    if shell == "tcsh":  # -M counts seconds: a file of the stamp's second is looked at again
        time.sleep(1.1)
        t.run("true")
    assert not runs_of_activate("true")
    assert not runs_of_activate("cd sub/deeper")
    assert t.env()["AUTO_VALUE"] == "v"
    assert runs_of_activate(f"touch '{app}/.flox/env/manifest.toml'")  # a watched file
    assert t.env()["AUTO_VALUE"] == "v"  # the same content: still allowed, still on
    assert runs_of_activate(f"cd '{sandbox.root}/out1'")  # leaving
    assert "AUTO_VALUE" not in t.env()
    assert not runs_of_activate(f"cd '{sandbox.root}/out2'")


# What a shell's dump leaves out, besides what test_deactivate's DUMP drops:
# the folder history fish keeps, the command hash zsh keeps (`commands`).
UNSTABLE_LINES = re.compile(r"^(dirprev|dirnext|__fish_last_dir|LINENO|HISTCMD|commands)=")


def test_leaving_restores_the_shell_exactly(
    sandbox: Sandbox, shell: str, terminals: list[Terminal]
) -> None:
    """After entering a project and leaving it, the shell's variables (with
    values), functions and aliases are exactly what they were."""
    from test_deactivate import DUMP

    app = sandbox.root / "app"
    app.mkdir()
    path = write_project(app, {"AUTO_VALUE": HOSTILE_VALUE})
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("[vars]\n", '[vars]\nPATH = "/auto/bin:$PATH"\n', 1))
    sandbox.run(["allow", "-d", str(app)])
    t = open_terminal(terminals, shell, sandbox)
    dumps = sandbox.root / "shell-dumps"
    dumps.mkdir()
    if shell == "tcsh":
        # (no tab typed: at a tcsh prompt it completes)
        skip = "'^(_|status|cwd|owd)[[:space:]]'"
        dump = f"alias > {{0}}; set | grep -v -E {skip} >> {{0}}; printenv | sort >> {{0}}"
    else:
        t.run(DUMP[shell])
        dump = "dump > {0}"
    t.run("cd /")
    t.run(f"cd '{sandbox.root}'")
    t.run(dump.format(dumps / "before"))
    t.run(f"cd '{app}'")
    assert "(app)" in t.prompt and t.has_autofn()
    assert t.env()["PATH"].split(":")[1] == "/auto/bin"
    t.run(dump.format(dumps / "during"))
    t.run("cd /")
    t.run(f"cd '{sandbox.root}'")
    t.run(dump.format(dumps / "after"))

    def lines(name: str) -> list[str]:
        text = (dumps / name).read_text(encoding="utf-8", errors="surrogateescape")
        return [line for line in text.split("\n") if not UNSTABLE_LINES.match(line)]

    assert any(line.startswith("_activate_auto_cmd") for line in lines("before"))
    assert lines("during") != lines("before")  # the dump sees what activation changes
    assert lines("after") == lines("before")


def test_included_manifest_edit_withdraws_trust(
    sandbox: Sandbox, shell: str, terminals: list[Terminal]
) -> None:
    """An included manifest is watched and covered: its variables come on
    with the project's, and an edit to it withdraws the permission (one line)."""
    base_manifest, app = write_including(sandbox.root, "b")
    sandbox.run(["allow", "-d", str(app)])
    t = open_terminal(terminals, shell, sandbox)
    t.run(f"cd '{app}'")
    env = t.env()
    assert (env["AUTO_VALUE"], env["FROM_BASE"]) == ("v", "b")
    base_manifest.write_text(manifest({"FROM_BASE": "edited"}, profile=PROFILE))
    t.run("true")
    assert "changed since it was allowed" in t.said
    env = t.env()
    assert "AUTO_VALUE" not in env and "FROM_BASE" not in env
    t.run(f"{ACTIVATE} allow")
    assert t.env()["FROM_BASE"] == "edited"


def test_auto_activation_starts_services_and_leaving_stops_them(
    sandbox: Sandbox, terminals: list[Terminal]
) -> None:
    """Auto-activation is an activation for [services]: auto-start starts
    them on entering; leaving releases the shell's hold, and with nothing
    else holding the environment they stop."""
    from test_services import gone, running_with_arg

    from conftest import wait_until

    app = sandbox.root / "app"
    app.mkdir()
    path = write_project(app, {"AUTO_VALUE": "v"})
    path.write_text(path.read_text() + "[services]\nauto-start = true\nt.command = 'sleep 4747'\n")
    sandbox.run(["allow", "-d", str(app)])
    t = open_terminal(terminals, "bash", sandbox)
    t.run(f"cd '{app}'")
    assert t.env()["AUTO_VALUE"] == "v"
    wait_until(lambda: running_with_arg(sandbox, "4747"), timeout=60)
    t.run("cd /")
    wait_until(lambda: not running_with_arg(sandbox, "4747") and gone(sandbox), timeout=60)


def test_the_shells_state_round_trips(sandbox: Sandbox) -> None:
    """The hook keeps what it auto-activated in a shell variable and passes it
    back: a project whose path has quotes, `$` and unicode is remembered (no
    second activation, `deactivate` stays off), and a damaged state counts as
    none. In bash without a terminal, calling hook-env as the hook does."""
    app = sandbox.root / "app $x \"dq\" 'q' ü 日"
    write_project(app, {"AUTO_VALUE": "v"})
    sandbox.run(["allow", "-d", str(app)])
    script = """
    hook() { eval "$("$ACT" hook-env bash "$1")"; }
    cd "$APP"; hook not-a-state
    echo "1:${AUTO_VALUE-}:${FLOX_PROMPT_ENVIRONMENTS-}"
    hook "$_activate_auto_state"
    echo "2:${AUTO_VALUE-}:${FLOX_PROMPT_ENVIRONMENTS-}"
    deactivate; hook "$_activate_auto_state"
    echo "3:${AUTO_VALUE-}"
    cd /; hook "$_activate_auto_state"; cd "$APP"; hook "$_activate_auto_state"
    echo "4:${AUTO_VALUE-}"
    """
    done = subprocess.run(
        ["bash", "-c", script],
        env={**sandbox.env, "APP": str(app), "ACT": ACTIVATE},
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0].startswith("1:v:") and lines[0] != "1:v:"
    assert lines[1:] == [lines[0].replace("1:", "2:", 1), "3:", "4:v"], done.stderr
