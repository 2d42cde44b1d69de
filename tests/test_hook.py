"""How a hook ends decides how the activation goes; its output never reaches eval."""

from __future__ import annotations

import pytest

from conftest import Sandbox


def hook_manifest(script: str) -> str:
    return f"version = 1\n[vars]\nBEFORE = \"set\"\n[hook]\non-activate = '''\n{script}\n'''\n"


def test_the_hook_runs_after_vars_in_bash_and_its_exports_reach_the_command(
    sandbox: Sandbox,
) -> None:
    sandbox.write_manifest(
        hook_manifest('export SEEN="$BEFORE/$BASH_VERSION"\nexport MULTI="a\nb"\nunset -v DROPME')
    )
    result = sandbox.run(
        ["--", "sh", "-c", 'printf "%s|%s|%s" "$SEEN" "$MULTI" "${DROPME-gone}"'],
        env={"DROPME": "x"},
    )
    seen, multi, dropped = result.stdout.split("|")
    assert seen.startswith("set/5.")
    assert multi == "a\nb"
    assert dropped == "gone"


def test_a_hook_that_runs_to_its_end_succeeds_even_if_its_last_command_failed(
    sandbox: Sandbox,
) -> None:
    sandbox.write_manifest(
        hook_manifest("export OK=1\n[ -f /no/such/file ] && source /no/such/file")
    )
    result = sandbox.run(["--", "printenv", "OK"])
    assert (result.returncode, result.stdout) == (0, "1\n")


def test_return_0_ends_the_hook_early_and_successfully(sandbox: Sandbox) -> None:
    sandbox.write_manifest(hook_manifest("export EARLY=1\nreturn 0\nexport LATE=1"))
    result = sandbox.run(["--", "sh", "-c", 'echo "${EARLY-}${LATE-}"'])
    assert (result.returncode, result.stdout) == (0, "1\n")


@pytest.mark.parametrize(
    ("ending", "status"), [("exit 3", 3), ("return 5", 5), ("false\nreturn 9", 9)]
)
def test_a_hook_ending_with_a_nonzero_exit_or_return_fails_with_that_status(
    sandbox: Sandbox, ending: str, status: int
) -> None:
    sandbox.write_manifest(hook_manifest(f"echo starting\n{ending}"))
    result = sandbox.run(["--print", "--shell", "bash"])
    assert result.returncode == status
    assert result.stdout == ""
    assert "the hook ([hook] on-activate)" in result.stderr
    assert str(sandbox.manifest.resolve()) in result.stderr
    assert "Traceback" not in result.stderr


def test_the_failing_command_is_named_with_its_manifest_line(sandbox: Sandbox) -> None:
    sandbox.write_manifest(hook_manifest("set -e\necho one\nnonexistent-tool --flag\necho never"))
    result = sandbox.run(["--", "true"])
    assert result.returncode == 127
    # The hook starts on manifest line 6 (after version, [vars], BEFORE, [hook], on-activate).
    assert "last failing command: nonexistent-tool --flag (manifest line 8)" in result.stderr
    assert "never" not in result.stderr


@pytest.mark.parametrize("ending", ["exit 0", "exec true"])
def test_exit_0_or_exec_in_the_hook_stops_the_activation_with_a_clear_message(
    sandbox: Sandbox, ending: str
) -> None:
    sandbox.write_manifest(hook_manifest(f"export HALF=1\n{ending}\nexport REST=1"))
    result = sandbox.run(["--print", "--shell", "bash"])
    assert result.returncode == 4
    assert result.stdout == ""
    word = "exit 0" if ending == "exit 0" else "exec"
    assert f"`{word}`" in result.stderr
    assert "return" in result.stderr or "without `exec`" in result.stderr


def test_a_syntax_error_names_the_manifest_line(sandbox: Sandbox) -> None:
    sandbox.write_manifest(hook_manifest("echo fine\nif then"))
    result = sandbox.run(["--", "true"])
    assert result.returncode == 2
    assert "bash syntax error" in result.stderr
    assert "line 7" in result.stderr  # manifest line of `if then`


def test_hook_stdout_goes_to_stderr_and_print_output_stays_valid(
    sandbox: Sandbox, shell: str
) -> None:
    sandbox.write_manifest(
        hook_manifest('printf "noise %.0s" $(seq 1 20000)\necho\nexport QUIET=1')
    )
    result = sandbox.run(["--print", "--shell", shell])
    assert result.returncode == 0
    assert "noise" not in result.stdout
    assert result.stderr.count("noise") == 20000


def test_the_hook_is_not_run_for_an_empty_hook(sandbox: Sandbox) -> None:
    sandbox.write_manifest("version = 1\n[hook]\non-activate = '''\n'''\n")
    assert sandbox.run(["--", "true"]).returncode == 0


def test_older_manifests_hook_script_key_works(sandbox: Sandbox) -> None:
    sandbox.write_manifest("version = 1\n[hook]\nscript = '''\nexport OLD_STYLE=1\n'''\n")
    assert sandbox.run(["--", "printenv", "OLD_STYLE"]).stdout == "1\n"


def test_hooks_see_the_flox_variables_and_can_use_the_cache(sandbox: Sandbox) -> None:
    sandbox.write_manifest(
        hook_manifest(
            'mkdir -p "$FLOX_ENV_CACHE/venv"\n'
            'export CACHE_OK="$(cd "$FLOX_ENV_CACHE" && pwd)"\n'
            'export DIRS="$FLOX_ENV_DIRS"\nexport PROJECT="$FLOX_ENV_PROJECT"'
        )
    )
    result = sandbox.run(
        ["--", "sh", "-c", 'printf "%s\\n" "$CACHE_OK" "$DIRS" "$PROJECT" "$FLOX_ENV"']
    )
    cache, dirs, project, prefix = result.stdout.splitlines()
    assert cache == str(sandbox.project.resolve() / ".flox" / "cache")
    assert dirs == prefix
    assert project == str(sandbox.project.resolve())


def test_bashs_own_messages_give_manifest_line_numbers(sandbox: Sandbox) -> None:
    sandbox.write_manifest(hook_manifest("set -u\necho $UNSET_ANYWHERE\necho never"))
    result = sandbox.run(["--", "true"])
    assert result.returncode == 1
    assert "manifest.toml: line 7: UNSET_ANYWHERE: unbound variable" in result.stderr
    assert "or for bash's message above" in result.stderr


def test_an_older_manifests_hook_is_named_by_its_key(sandbox: Sandbox) -> None:
    sandbox.write_manifest("version = 1\n[hook]\nscript = '''\nexit 5\n'''\n")
    result = sandbox.run(["--", "true"])
    assert result.returncode == 5
    assert "the hook ([hook] script)" in result.stderr
