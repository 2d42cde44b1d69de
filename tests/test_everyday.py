"""The everyday surface: init, status, vars, edit, .env files, JSON, completion."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pexpect
import pytest

from activator.commands.init import TEMPLATE

from conftest import ACTIVATE, Sandbox


def test_init_creates_a_valid_commented_manifest_and_refuses_to_overwrite(sandbox: Sandbox) -> None:
    result = sandbox.run(["init", "--name", "shop"])
    assert result.returncode == 0, result.stderr
    assert result.stdout == ""
    assert "created the environment 'shop'" in result.stderr and "activate edit" in result.stderr
    assert sandbox.manifest.read_text() == TEMPLATE
    assert json.loads((sandbox.project / ".flox" / "env.json").read_text()) == {
        "name": "shop",
        "version": 1,
    }
    for section in ("[vars]", "[hook]", "[profile]", "[options]", "on-activate", "activate.mode"):
        assert section in TEMPLATE
    assert sandbox.run(["--", "printenv", "FLOX_ENV_DESCRIPTION"]).stdout == "shop\n"
    again = sandbox.run(["init"])
    assert again.returncode == 1 and "already exists" in again.stderr
    assert sandbox.manifest.read_text() == TEMPLATE


def test_init_in_another_folder_takes_its_name(sandbox: Sandbox, tmp_path: Path) -> None:
    target = tmp_path / "my-app"
    assert sandbox.run(["init", str(target)]).returncode == 0
    assert json.loads((target / ".flox" / "env.json").read_text())["name"] == "my-app"
    bad = sandbox.run(["init", str(tmp_path / "x"), "--name", "no spaces"])
    assert bad.returncode == 2 and "--name" in bad.stderr


def test_status_json_shows_active_environments_and_live_activations(sandbox: Sandbox) -> None:
    sandbox.write_manifest('[hook]\non-activate = "true"\n', name="demo")
    holder = subprocess.Popen([ACTIVATE, "--", "sleep", "60"], cwd=sandbox.project, env=sandbox.env)
    try:
        script = f'eval "$({ACTIVATE} --print)"; {ACTIVATE} status --json'
        for _ in range(100):
            data = json.loads(sandbox.shell("bash", script).stdout)
            pids = {p["pid"] for a in data["activations"] for p in a["pids"]}
            if holder.pid in pids:
                break
        assert data["schema"] == 1
        assert [e["name"] for e in data["active"]] == ["demo"]
        assert data["project"]["name"] == "demo"
        assert data["project"]["path"] == str(sandbox.project.resolve())
        (act,) = data["activations"]
        assert act["mode"] == "dev" and act["state"] == "ready" and act["manifest_changed"] is False
        assert holder.pid in pids and any(p["command"] == "sleep" for p in act["pids"])
        assert act["started"].endswith("Z")
        sandbox.write_manifest('[hook]\non-activate = "true"\n# edited\n', name="demo")
        after = json.loads(sandbox.run(["status", "--json"]).stdout)
        assert after["activations"][0]["manifest_changed"] is True
        plain = sandbox.run(["status"])
        assert "project: demo" in plain.stdout and "manifest changed since" in plain.stdout
    finally:
        holder.kill()
        holder.wait()


def test_status_outside_a_project(sandbox: Sandbox, tmp_path: Path) -> None:
    result = sandbox.run(["status", "--json"], cwd=tmp_path)
    assert result.returncode == 0
    assert json.loads(result.stdout) == {
        "schema": 1,
        "active": [],
        "project": None,
        "activations": [],
    }


def test_status_on_a_terminal_is_a_table(sandbox: Sandbox) -> None:
    sandbox.write_manifest("version = 1\n", name="tabled")
    child = pexpect.spawn(
        ACTIVATE, ["status"], env=sandbox.env, cwd=str(sandbox.project), encoding="utf-8"
    )
    child.expect(pexpect.EOF)
    assert "tabled" in (child.before or "") and "active in this shell" in (child.before or "")


MANIFEST_WITH_COMMENTS = """# my environment
version = 1

[vars]
# the greeting
GREETING = "hello"   # keep this comment
"""


def test_vars_set_unset_list_keep_comments(sandbox: Sandbox) -> None:
    sandbox.write_manifest(MANIFEST_WITH_COMMENTS)
    assert sandbox.run(["vars", "set", "PORT", "8080"]).returncode == 0
    assert sandbox.run(["vars", "set", "URL", "http://$HOST:$PORT"]).returncode == 0
    text = sandbox.manifest.read_text()
    assert "# the greeting" in text and "# keep this comment" in text and "# my environment" in text
    listed = sandbox.run(["vars", "list"])
    assert listed.stdout == 'GREETING = "hello"\nPORT = "8080"\nURL = "http://$HOST:$PORT"\n'
    assert sandbox.run(["vars", "unset", "PORT"]).returncode == 0
    assert "PORT = " not in sandbox.manifest.read_text()
    missing = sandbox.run(["vars", "unset", "NOPE"])
    assert missing.returncode == 1 and "has no NOPE" in missing.stderr
    before = sandbox.manifest.read_bytes()
    bad = sandbox.run(["vars", "set", "WHO", "$(whoami)"])
    assert (
        bad.returncode == 3 and "command substitution" in bad.stderr and "unchanged" in bad.stderr
    )
    bad_name = sandbox.run(["vars", "set", "1X", "v"])
    assert bad_name.returncode == 2
    assert sandbox.manifest.read_bytes() == before


def test_vars_set_on_a_manifest_without_vars(sandbox: Sandbox) -> None:
    sandbox.write_manifest("version = 1\n")
    assert sandbox.run(["vars", "set", "A", 'it\'s "q"']).returncode == 0
    assert sandbox.run(["--", "printenv", "A"]).stdout == 'it\'s "q"\n'


def _editor(tmp_path: Path, *contents: str) -> str:
    """An editor script that writes each content in turn, one per invocation."""
    for i, text in enumerate(contents):
        (tmp_path / f"edit-{i}").write_text(text)
    script = tmp_path / "editor"
    script.write_text(
        "#!/bin/sh\n"
        f"n=$(cat {tmp_path}/count 2>/dev/null || echo 0); echo $((n+1)) > {tmp_path}/count\n"
        f'cp {tmp_path}/edit-$n "$1"\n'
    )
    script.chmod(0o755)
    return str(script)


def test_edit_saves_a_valid_manifest(sandbox: Sandbox, tmp_path: Path) -> None:
    sandbox.write_manifest("version = 1\n")
    editor = _editor(tmp_path, 'version = 1\n[vars]\nNEW = "yes"\n')
    result = sandbox.run(["edit"], env={"EDITOR": editor})
    assert result.returncode == 0, result.stderr
    assert "NEW" in sandbox.manifest.read_text()
    assert not list(sandbox.manifest.parent.glob(".*edit*"))


def test_edit_rejects_an_invalid_manifest_without_a_terminal(
    sandbox: Sandbox, tmp_path: Path
) -> None:
    sandbox.write_manifest("version = 1\n")
    editor = _editor(tmp_path, "[vars]\nPORT = 8080\n")
    result = sandbox.run(["edit"], env={"EDITOR": editor})
    assert result.returncode == 3 and "PORT must be a string" in result.stderr
    assert sandbox.manifest.read_text() == "version = 1\n"


def test_edit_reopens_after_an_error_on_a_terminal(sandbox: Sandbox, tmp_path: Path) -> None:
    sandbox.write_manifest("version = 1\n")
    editor = _editor(tmp_path, "[vars]\nPORT = 8080\n", '[vars]\nPORT = "8080"\n')
    child = pexpect.spawn(
        ACTIVATE,
        ["edit"],
        env={**sandbox.env, "VISUAL": editor},
        cwd=str(sandbox.project),
        encoding="utf-8",
    )
    child.expect("edit again")
    child.sendline("y")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0
    assert sandbox.manifest.read_text() == '[vars]\nPORT = "8080"\n'


def test_env_files_load_before_vars(sandbox: Sandbox) -> None:
    sandbox.write_manifest(
        '[options]\nactivate.env-files = [".env", ".env.local"]\n[vars]\nURL = "http://$HOST:$PORT"\n'
    )
    (sandbox.project / ".env").write_text(
        "# settings\nexport HOST=localhost\nPORT=8080 # inline comment\nMULTI=\"a\nb\"\nRAW='$HOST'\n"
    )
    result = sandbox.run(
        ["--", sys.executable, "-c", "import json,os; print(json.dumps(dict(os.environ)))"]
    )
    env = json.loads(result.stdout)
    assert (env["URL"], env["MULTI"], env["RAW"]) == ("http://localhost:8080", "a\nb", "$HOST")
    assert ".env.local (listed in [options] activate.env-files) does not exist" in result.stderr
    (sandbox.project / ".env.local").write_text("PORT=9090\nBROKEN\n")
    bad = sandbox.run(["--print", "--shell", "bash"])
    assert bad.returncode == 3 and bad.stdout == ""
    assert ".env.local, line 2" in bad.stderr


def test_print_json_gives_the_variables(sandbox: Sandbox) -> None:
    sandbox.write_manifest('[vars]\nV = "a\\nb"\n[hook]\non-activate = "unset -v GONE"\n')
    result = sandbox.run(["--print", "--shell", "json"], env={"GONE": "x"})
    data = json.loads(result.stdout)
    assert data["V"] == "a\nb" and data["GONE"] is None and data["FLOX_ENV"].endswith(".dev")


@pytest.mark.parametrize("shell_name", ["bash", "zsh", "fish", "tcsh"])
def test_completion_subcommand_prints_each_shells_code(sandbox: Sandbox, shell_name: str) -> None:
    result = sandbox.run(["completion", shell_name])
    assert result.returncode == 0 and "activate" in result.stdout
    assert sandbox.run(["completion", "pwsh"]).returncode == 2


def test_a_long_hook_shows_a_spinner_on_a_terminal_only(sandbox: Sandbox) -> None:
    sandbox.write_manifest('[hook]\non-activate = "sleep 2.6"\n')
    child = pexpect.spawn(
        ACTIVATE, ["--", "true"], env=sandbox.env, cwd=str(sandbox.project), encoding="utf-8"
    )
    child.expect("running \\[hook\\] on-activate \\(2s\\)", timeout=15)
    child.expect(pexpect.EOF)
    quiet = sandbox.run(["--", "true"])  # stderr is not a terminal
    assert "running" not in quiet.stderr


def test_subcommands_take_dir_before_or_after_their_name(sandbox: Sandbox, tmp_path: Path) -> None:
    target = tmp_path / "elsewhere"
    assert sandbox.run(["init", "-d", str(target), "--name", "x"]).returncode == 0
    assert (target / ".flox" / "env" / "manifest.toml").exists()
    assert sandbox.run(["-d", str(target), "vars", "set", "A", "1"]).returncode == 0
    assert sandbox.run(["vars", "list", "--dir", str(target)]).stdout == 'A = "1"\n'
