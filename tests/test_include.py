"""`[include]`: environments composed of local environments, in every shell.

What a user checks: the included environment's variables, hook and profile
code arrive, the including manifest's win; hooks run in order and the
including hook sees what the included hooks exported; includes nest; a cycle,
a missing folder and a remote include are each said plainly (the first two
name the include entry's file and line); an edit to an included manifest
makes the next activation start afresh; `status` names the included
environments; packages of an included environment join the including one's.
"""

from __future__ import annotations

import json
import subprocess
import time
from pathlib import Path

import pytest

from wheels import standard_set

from conftest import ACTIVATE, Sandbox, in_place

# Each shell's [profile] code appending a word to $PROFILES (tcsh has no ${X-}).
PROFILE = {
    "bash": 'export PROFILES="${{PROFILES-}}{word} "',
    "zsh": 'export PROFILES="${{PROFILES-}}{word} "',
    "fish": 'set -gx PROFILES "$PROFILES"{word}" "',
    "tcsh": 'if (! $?PROFILES) setenv PROFILES ""\nsetenv PROFILES "${{PROFILES}}{word} "',
}


def env_manifest(word: str, *, include: str = "", vars: str = "", hook: str = "") -> str:
    """A manifest whose hook appends `word` to $HOOKS and whose profile code, in
    every shell, appends it to $PROFILES."""
    profile = "".join(
        f"{shell} = '''\n{code.format(word=word)}\n'''\n" for shell, code in PROFILE.items()
    )
    return (
        "version = 1\n"
        + (f"[include]\nenvironments = [{include}]\n" if include else "")
        + f"[vars]\nWHO = {json.dumps(word)}\n{vars}"
        + f"[hook]\non-activate = '''\nexport HOOKS=\"${{HOOKS-}}{word} \"\n{hook}'''\n"
        + f"[profile]\n{profile}"
    )


def make_env(folder: Path, text: str) -> Path:
    """An environment at `folder` with manifest `text`."""
    path = folder / ".flox" / "env" / "manifest.toml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path


@pytest.fixture
def composed(sandbox: Sandbox) -> Sandbox:
    """The project includes `../base` (given as its relative dir) and `tools/py`
    (below the project), each of which sets variables the project overrides."""
    make_env(
        sandbox.root / "base",
        env_manifest(
            "base",
            vars='ONLY_BASE = "b"\nSHARED = "from base"\nQUOTED = "it\'s \\"q\\" \\\\ ! % ü"\n',
            hook='export BASE_SAW="$WHO"\n',
        ),
    )
    make_env(
        sandbox.project / "tools" / "py",
        env_manifest("py", vars='SHARED = "from py"\nONLY_PY = "p"\n'),
    )
    sandbox.write_manifest(
        env_manifest(
            "app",
            include='{ dir = "../base" }, { dir = "tools/py", name = "python" }',
            vars='SHARED = "from app"\n',
            hook='export APP_SAW="$BASE_SAW"\n',
        )
    )
    return sandbox


def show(*names: str) -> str:
    """Shell-neutral code printing each variable as NAME=value on a line."""
    return " ; ".join(f"printenv {n} | sed 's/^/{n}=/'" for n in names)


EXPECTED = [
    "WHO=app",
    "SHARED=from app",
    "ONLY_BASE=b",
    "ONLY_PY=p",
    'QUOTED=it\'s "q" \\ ! % ü',
    "HOOKS=base py app ",
    "APP_SAW=app",
    "PROFILES=base py app ",
]


def test_variables_hooks_and_profile_code_of_every_included_environment(
    composed: Sandbox, shell: str
) -> None:
    names = [line.split("=")[0] for line in EXPECTED]
    result = composed.run(["--shell", shell, "-c", show(*names)])
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == EXPECTED
    # The included hook saw the merged [vars] (the including manifest's WHO),
    # as it does in Flox: the hook runs once, in the composed environment.


def test_in_place_in_every_shell(composed: Sandbox, shell: str) -> None:
    names = [line.split("=")[0] for line in EXPECTED]
    script = in_place(shell) + " ; " + show(*names)
    result = composed.shell(shell, script)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == EXPECTED


def test_nested_includes_in_order(sandbox: Sandbox, shell: str) -> None:
    make_env(sandbox.root / "a", env_manifest("a", vars='LEVEL = "a"\nFROM_A = "1"\n'))
    make_env(
        sandbox.root / "b",
        env_manifest("b", include='{ dir = "../a" }', vars='LEVEL = "b"\nFROM_B = "1"\n'),
    )
    sandbox.write_manifest(env_manifest("top", include=f'{{ dir = "{sandbox.root / "b"}" }}'))
    result = sandbox.run(["--shell", shell, "-c", show("LEVEL", "FROM_A", "FROM_B", "HOOKS")])
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == ["LEVEL=b", "FROM_A=1", "FROM_B=1", "HOOKS=a b top "]
    assert sandbox.run(["--", "printenv", "PROFILES"]).returncode == 1  # no shell, no profile
    profiles = sandbox.run(["--shell", shell, "-c", "printenv PROFILES"])
    assert profiles.stdout == "a b top \n"


def test_a_cycle_is_an_error_naming_the_chain(sandbox: Sandbox) -> None:
    a = make_env(sandbox.root / "a", env_manifest("a", include='{ dir = "../b" }'))
    b = make_env(sandbox.root / "b", env_manifest("b", include='{ dir = "../a" }'))
    sandbox.write_manifest(env_manifest("top", include=f'{{ dir = "{sandbox.root / "a"}" }}'))
    result = sandbox.run(["--print", "--shell", "bash"])
    assert (result.returncode, result.stdout) == (3, "")
    first, where = result.stderr.splitlines()[:2]
    assert first == (
        "activate: error: [include] environments include each other in a circle: "
        f"{sandbox.manifest} -> {a} -> {b} -> {a}"
    )
    assert where == f"  in {b}, line 3"
    assert "Traceback" not in result.stderr


def test_an_environment_including_itself_is_a_cycle(sandbox: Sandbox) -> None:
    sandbox.write_manifest(env_manifest("top", include='{ dir = "." }'))
    result = sandbox.run(["--", "true"])
    assert result.returncode == 3
    assert f"a circle: {sandbox.manifest} -> {sandbox.manifest}" in result.stderr


@pytest.mark.parametrize("missing", ["folder", "manifest"])
def test_a_missing_include_names_the_entry_and_its_line(sandbox: Sandbox, missing: str) -> None:
    if missing == "manifest":
        (sandbox.root / "gone").mkdir()
    sandbox.write_manifest(
        '# a comment\nversion = 1\n[include]\nenvironments = [\n  { dir = "../gone" },\n]\n'
    )
    result = sandbox.run(["--print", "--shell", "bash"])
    assert (result.returncode, result.stdout) == (3, "")
    lines = result.stderr.splitlines()
    what = "no such folder" if missing == "folder" else "no .flox/env/manifest.toml in it"
    assert lines[0] == (
        f"activate: error: [include] {{ dir = '../gone' }}: {what} ({sandbox.root / 'gone'})"
    )
    assert lines[1] == f"  in {sandbox.manifest}, line 4"
    assert any(line.startswith("  hint: ") for line in lines)
    assert len(lines) < 20


def test_a_remote_include_is_named_and_skipped(sandbox: Sandbox, shell: str) -> None:
    make_env(sandbox.root / "base", env_manifest("base", vars='ONLY_BASE = "b"\n'))
    sandbox.write_manifest(
        env_manifest("top", include='{ remote = "owner/env" }, { dir = "../base" }')
    )
    result = sandbox.run(["--shell", shell, "-c", show("ONLY_BASE", "HOOKS")])
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == ["ONLY_BASE=b", "HOOKS=base top "]
    assert result.stderr.splitlines() == [
        "activate: [include] not merged (FloxHub is not reachable): remote owner/env"
    ]


COUNTING = """version = 1
[vars]
VALUE = "{value}"
[hook]
on-activate = '''
echo run >> "{count}"
'''
"""


def test_an_edit_to_an_included_manifest_starts_afresh(sandbox: Sandbox) -> None:
    count = sandbox.root / "count"
    base = make_env(sandbox.root / "base", COUNTING.format(value="one", count=count))
    sandbox.write_manifest('version = 1\n[include]\nenvironments = [{ dir = "../base" }]\n')
    holder = subprocess.Popen(
        [ACTIVATE, "--", "sleep", "60"],
        cwd=sandbox.project,
        env=sandbox.env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 20
        while not (count.exists() and count.read_text()):
            assert time.monotonic() < deadline
            time.sleep(0.02)
        # A second activation attaches: the hook does not run again.
        assert sandbox.run(["--", "printenv", "VALUE"]).stdout == "one\n"
        assert count.read_text() == "run\n"
        status = json.loads(sandbox.run(["status", "--json"]).stdout)
        assert [a["manifest_changed"] for a in status["activations"]] == [False]
        # The included manifest changes: the next activation starts afresh.
        base.write_text(COUNTING.format(value="two", count=count))
        assert sandbox.run(["--", "printenv", "VALUE"]).stdout == "two\n"
        assert count.read_text() == "run\nrun\n"
        status = json.loads(sandbox.run(["status", "--json"]).stdout)
        assert [a["manifest_changed"] for a in status["activations"]] == [True]
    finally:
        holder.kill()
        holder.wait()


def test_an_included_hook_error_names_its_own_manifest_and_line(sandbox: Sandbox) -> None:
    base = make_env(
        sandbox.root / "base",
        "version = 1\n[hook]\non-activate = '''\ntrue\nno-such-command-xyz --flag\n'''\n",
    )
    sandbox.write_manifest(
        "version = 1\n[include]\nenvironments = [{ dir = '../base' }]\n"
        "[hook]\non-activate = '''\necho top >&2\n'''\n"
    )
    result = sandbox.run(["--", "true"])
    assert result.returncode == 0, result.stderr
    assert f"{base}: line 5: no-such-command-xyz: command not found" in result.stderr


def test_an_included_profile_error_names_its_own_manifest(sandbox: Sandbox) -> None:
    base = make_env(
        sandbox.root / "base", "version = 1\n[profile]\nbash = '''\nif then fi (\n'''\n"
    )
    sandbox.write_manifest(
        "version = 1\n[include]\nenvironments = [{ dir = '../base' }]\n"
        "[profile]\nbash = '''\nexport TOP_PROFILE=yes\n'''\n"
    )
    result = sandbox.run(["--shell", "bash", "-c", "printenv TOP_PROFILE"])
    assert result.returncode == 0, result.stderr
    assert result.stdout == "yes\n"  # the including manifest's piece still runs
    assert f"[profile] bash ({base}, line 3) is not valid bash" in result.stderr


def test_status_names_the_included_environments(composed: Sandbox) -> None:
    data = json.loads(composed.run(["status", "--json"]).stdout)
    assert data["project"]["included"] == [
        {"dir": "../base", "manifest": str(composed.root / "base/.flox/env/manifest.toml")},
        {
            "dir": "tools/py",
            "manifest": str(composed.project / "tools/py/.flox/env/manifest.toml"),
        },
    ]
    plain = composed.run(["status"]).stdout
    assert f"includes ../base: {composed.root / 'base/.flox/env/manifest.toml'}" in plain


def test_print_json_is_the_merged_environment(composed: Sandbox) -> None:
    result = composed.run(["--print", "--shell", "json"])
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    text = json.dumps(data)
    for value in ("from app", "base py app ", 'it\'s "q" \\ ! % ü'):
        assert json.dumps(value)[1:-1] in text


def test_packages_of_an_included_environment_join_the_including_one(sandbox: Sandbox) -> None:
    standard_set(sandbox.project / "wheels")
    make_env(sandbox.root / "base", 'version = 1\n[install]\nother.pip = "other-tool"\n')
    sandbox.write_manifest(
        "version = 1\n[include]\nenvironments = [{ dir = '../base' }]\n"
        '[install]\nhello.pip = "hello-tool>=1"\n'
        '[options]\nactivate.pip.find-links = ["wheels"]\nactivate.pip.no-index = true\n'
    )
    result = sandbox.run(
        ["--", "sh", "-c", "hello; other; command -v hello; command -v other"], timeout=180
    )
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    hello, other = lines[-2:]
    # One pip environment holds both: the two programs come from the same folder.
    assert Path(hello).parent == Path(other).parent


def test_an_interactive_subshell_has_it_all(composed: Sandbox) -> None:
    """A user's subshell (bash through a terminal): the profile code of both."""
    import pexpect

    child = pexpect.spawn(
        ACTIVATE,
        ["--shell", "bash"],
        cwd=str(composed.project),
        env={**composed.env, "PS1": "$ "},
        encoding="utf-8",
        timeout=30,
    )
    try:
        child.sendline('echo "[$PROFILES|$HOOKS]"')
        child.expect_exact("[base py app |base py app ]")
        child.sendline("exit")
        child.expect(pexpect.EOF)
    finally:
        child.close(force=True)


def test_the_real_manifest_that_includes_a_local_environment(sandbox: Sandbox) -> None:
    """116 (seedmatic/flox-controller) includes `./.flox-envs.d/flake-registry`:
    with that folder made here, its variables and hook arrive."""
    from conftest import CORPUS

    (real,) = CORPUS.glob("116__*.toml")
    sandbox.manifest.parent.mkdir(parents=True)
    sandbox.manifest.write_bytes(real.read_bytes())
    make_env(
        sandbox.project / ".flox-envs.d" / "flake-registry",
        "version = 1\n[vars]\nREGISTRY = 'vendored'\n"
        "[hook]\non-activate = '''\nexport REGISTRY_HOOK=\"ran in $FLOX_ENV_PROJECT\"\n'''\n",
    )
    result = sandbox.run(["--", "sh", "-c", 'echo "$REGISTRY|$REGISTRY_HOOK"'], timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[-1] == f"vendored|ran in {sandbox.project}"
    data = json.loads(sandbox.run(["status", "--json"]).stdout)
    assert [i["dir"] for i in data["project"]["included"]] == ["./.flox-envs.d/flake-registry"]
