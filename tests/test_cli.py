"""The command line: help, usage errors, and which shell gets code."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import ACTIVATE, Sandbox, shell_path


def test_help_explains_the_ways_with_examples(sandbox: Sandbox) -> None:
    result = sandbox.run(["--help"])
    assert result.returncode == 0
    for text in (
        "--print",
        "-- CMD",
        "-c 'CODE'",
        "--mode dev|run",
        "--shell",
        "FLOX_SHELL",
        "Examples:",
    ):
        assert text in result.stdout
    assert 'eval "$(activate --print)"' in result.stdout
    assert "activate --print | source" in result.stdout


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--bogus"], "unknown option --bogus"),
        (["--"], "-- needs a command"),
        (["--mode", "prod"], "--mode must be dev or run"),
        (["--print", "-c", "true"], "-c cannot be combined with --print"),
        (["-d", "a", "-f", "b"], "either -d DIR or -f FILE"),
        (["ls"], "activate -- ls"),
        (["-c"], "-c needs a value"),
    ],
)
def test_usage_errors_exit_2_with_a_hint(sandbox: Sandbox, args: list[str], message: str) -> None:
    result = sandbox.run(args)
    assert result.returncode == 2
    assert message in result.stderr
    assert "activate --help" in result.stderr
    assert result.stdout == ""


def _print_kind(sandbox: Sandbox, *args: str, env: dict[str, str] | None = None) -> str:
    result = sandbox.run(["--print", *args], env=env)
    assert result.returncode == 0, result.stderr
    return _kind(result.stdout)


def _kind(code: str) -> str:
    if "set -gx" in code:
        return "fish"
    if code.startswith("source '") and code.rstrip().endswith(".tcsh';"):
        return "tcsh"
    if "[[ -o interactive ]]" in code:
        return "zsh"
    return "bash" if "case $- in" in code else "unknown"


def test_shell_choice_order(sandbox: Sandbox) -> None:
    sandbox.write_manifest("version = 1\n")
    # Started from a pipe (no shell parent): $SHELL decides, then bash.
    assert _print_kind(sandbox, env={"SHELL": "/usr/bin/fish"}) in ("fish", "bash")
    assert _print_kind(sandbox, env={"FLOX_SHELL": "zsh"}) == "zsh"
    assert _print_kind(sandbox, "--shell", "tcsh", env={"FLOX_SHELL": "zsh"}) == "tcsh"
    assert _print_kind(sandbox, "--shell", "sh") == "bash"
    assert _print_kind(sandbox, "--shell", "/bin/dash") == "bash"
    assert _print_kind(sandbox, "--shell", "csh") == "tcsh"


def test_the_calling_shell_is_detected(sandbox: Sandbox, shell: str) -> None:
    sandbox.write_manifest("version = 1\n")
    # `; true`: zsh would exec a lone last command, and then the shell is not its parent.
    result = sandbox.shell(shell, f"{ACTIVATE} --print; true", env={"SHELL": "/bin/false"})
    assert _kind(result.stdout) == shell, result.stderr


def test_sh_evaluates_bash_family_code(sandbox: Sandbox) -> None:
    sandbox.write_manifest('version = 1\n[vars]\nV = "it\'s $ok"\n'.replace("$ok", "\\\\$ok"))
    dash = shell_path("sh")
    result = sandbox.shell("sh", f'eval "$({ACTIVATE} --print --shell {dash})"; printf %s "$V"')
    assert (result.stdout, result.stderr.count("not found")) == ("it's $ok", 0)


def test_flox_shell_that_is_not_a_shell_is_a_clear_error(sandbox: Sandbox) -> None:
    sandbox.write_manifest("version = 1\n")
    result = sandbox.run(["--print"], env={"FLOX_SHELL": "/usr/bin/python3"})
    assert result.returncode == 2
    assert "FLOX_SHELL=/usr/bin/python3 is not a shell activate supports" in result.stderr


def test_flox_shell_naming_a_missing_program_is_a_clear_error(sandbox: Sandbox) -> None:
    sandbox.write_manifest("version = 1\n")
    result = sandbox.run(["-c", "true"], env={"FLOX_SHELL": "/no/such/zsh"})
    assert result.returncode == 1
    assert "cannot start zsh (FLOX_SHELL=/no/such/zsh)" in result.stderr


def test_dir_without_a_flox_folder_says_so(sandbox: Sandbox, tmp_path: Path) -> None:
    result = sandbox.run(["-d", str(tmp_path), "--", "true"])
    assert result.returncode == 2
    assert f"no .flox/env/manifest.toml in {tmp_path}" in result.stderr


def test_print_to_a_full_disk_is_a_plain_error(sandbox: Sandbox) -> None:
    sandbox.write_manifest("version = 1\n")
    result = sandbox.shell("bash", f"{ACTIVATE} --print --shell bash >/dev/full")
    assert result.returncode == 1
    assert "cannot write the activation code to stdout" in result.stderr
    assert "internal error" not in result.stderr


def test_shell_option_is_checked_even_with_a_command(sandbox: Sandbox) -> None:
    sandbox.write_manifest("version = 1\n")
    result = sandbox.run(["--shell", "pwsh", "--", "true"])
    assert result.returncode == 2
    assert "--shell=pwsh is not a shell activate supports" in result.stderr


def test_a_missing_shell_is_found_before_the_hook_runs(sandbox: Sandbox) -> None:
    sandbox.write_manifest('[hook]\non-activate = "touch \\"$FLOX_ENV_PROJECT/ran\\""\n')
    result = sandbox.run(["-c", "true"], env={"FLOX_SHELL": "/opt/nowhere/zsh"})
    assert result.returncode == 1
    assert not (sandbox.project / "ran").exists()


@pytest.mark.parametrize("args", [["--dir="], ["-d", ""], ["--file="], ["-f", ""], ["--shell="]])
def test_an_empty_option_value_is_a_usage_error(sandbox: Sandbox, args: list[str]) -> None:
    sandbox.write_manifest("version = 1\n")
    result = sandbox.run([*args, "--", "true"])
    assert (result.returncode, result.stdout) == (2, "")
    assert "needs a value" in result.stderr and "not an empty one" in result.stderr


def test_hints_for_a_folder_without_a_manifest_name_activate_init(
    sandbox: Sandbox, tmp_path: Path
) -> None:
    bare = tmp_path / "bare"
    bare.mkdir()
    nowhere = sandbox.run(["--", "true"], cwd=bare)
    assert nowhere.returncode == 2
    assert "`activate init` creates an environment here" in nowhere.stderr
    (bare / ".flox").mkdir()
    empty = sandbox.run(["-d", str(bare), "--", "true"])
    assert empty.returncode == 2
    assert f"`activate init {bare}` creates one" in empty.stderr or "`activate init" in empty.stderr
    # the hint works as written
    assert sandbox.run(["init"], cwd=bare).returncode == 0
    assert sandbox.run(["--", "true"], cwd=bare).returncode == 0


def test_top_level_options_a_subcommand_does_not_take_are_usage_errors(sandbox: Sandbox) -> None:
    sandbox.write_manifest("version = 1\n")
    result = sandbox.run(["--mode", "run", "status"])
    assert (result.returncode, result.stdout) == (2, "")
    assert "activate status does not take --mode" in result.stderr
    assert "see activate status --help" in result.stderr
