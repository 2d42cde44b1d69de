"""What the manifest asked for and did not get is said, and activate's own code
does not depend on what the manifest does to PATH.

- When an activation starts: one line each for the [install] entries, the
  services (only when supervisor, the services extra, is missing), the
  included environments and the rest; cut to the screen's width
  (`and N more`) at a terminal or with $COLUMNS, complete in a log.
- `activate status` (and `--json`) lists them for each active environment and
  for the project.
- `command not found` for a command an [install] entry would provide says
  which entry and why: `activate -- CMD`, and `-c` in every shell.
- `[vars] PATH = "/x"`: no message of activate's own code in any shell, in any
  way of activating, and deactivate still works.
"""

from __future__ import annotations

import json

import pytest

from conftest import ACTIVATE, Sandbox, in_place

MANIFEST = """version = 1
[install]
go.pkg-path = "go"
pip.pkg-path = "python311Packages.pip"
node.pkg-path = "nodejs_20"
tool.flake = "github:owner/tool"
[services]
db.command = "postgres"
[include]
environments = [{ remote = "owner/env" }]
[build.app]
command = "make"
[options]
activate.catalog = "none"   # pkg-path entries named only (the catalog: test_catalog_entries.py)
"""

LINES = [
    'activate: [install] not available without Nix: go (pkg-path "go"), '
    'pip (pkg-path "python311Packages.pip"), node (pkg-path "nodejs_20"), tool (flake "github:owner/tool")',
    "activate: [include] not merged (FloxHub is not reachable): remote owner/env",
    "activate: not supported yet, ignored: [build]",
]

HINT = (
    '[install] go (pkg-path "go") would provide go, but was not installed: '
    "packages need Nix, which activate does not use"
)


def test_the_lines_name_every_entry_in_a_log(sandbox: Sandbox) -> None:
    sandbox.write_manifest(MANIFEST)
    result = sandbox.run(["--", "true"])
    assert (result.returncode, result.stderr.splitlines()) == (0, LINES)


def without_supervisor(sandbox: Sandbox) -> dict[str, str]:
    """An environment in which `supervisor` is a package without supervisord
    (as if the services extra were not installed)."""
    shadow = sandbox.root / "shadow" / "supervisor"
    shadow.mkdir(parents=True)
    (shadow / "__init__.py").write_text("")
    return {"PYTHONPATH": str(shadow.parent)}


def test_services_are_named_when_supervisor_is_missing(sandbox: Sandbox) -> None:
    sandbox.write_manifest(MANIFEST)
    env = without_supervisor(sandbox)
    result = sandbox.run(["--", "true"], env=env)
    assert result.returncode == 0, result.stderr
    line = "activate: [services] not started: supervisor is not installed (install activate[services]): db"
    assert result.stderr.splitlines() == [*LINES[:1], line, *LINES[1:]]
    status = sandbox.run(["status", "--json"], env=env)
    (item,) = [
        i for i in json.loads(status.stdout)["project"]["not_provided"] if i["kind"] == "service"
    ]
    assert item == {
        "kind": "service",
        "name": "db",
        "detail": "",
        "why": "supervisor is not installed (install activate[services])",
    }
    asked = sandbox.run(["-s", "--", "true"], env=env)
    assert asked.returncode == 6
    assert "activate: error: -s: services need supervisor, which is not installed" in asked.stderr
    assert "pip install 'activate[services]'" in asked.stderr


@pytest.mark.parametrize("width", [40, 60, 72])
def test_the_lines_fit_the_screen(sandbox: Sandbox, width: int) -> None:
    sandbox.write_manifest(
        "[install]\n" + "".join(f'package{i}.pkg-path = "package{i}"\n' for i in range(30))
    )
    result = sandbox.run(["--", "true"], env={"COLUMNS": str(width)})
    (line,) = result.stderr.splitlines()
    assert line.startswith(
        'activate: [install] not available without Nix: package0 (pkg-path "package0")'
    )
    assert len(line) <= width or line.count(",") == 0  # one name is always shown
    shown = line.split(": ", 2)[2].split(" and ")[0].split(", ")
    assert line.endswith(f" and {30 - len(shown)} more")
    assert shown == [f'package{i} (pkg-path "package{i}")' for i in range(len(shown))]


def test_a_command_an_entry_would_provide_is_named(sandbox: Sandbox) -> None:
    sandbox.write_manifest(MANIFEST)
    result = sandbox.run(["--", "go", "version"])
    assert (result.returncode, result.stdout) == (127, "")
    assert "activate: error: go: command not found" in result.stderr
    assert f"hint: {HINT}" in result.stderr
    by_pkg_path = sandbox.run(["--", "nodejs_20"])  # the last part of its pkg-path
    assert by_pkg_path.returncode == 127
    assert '[install] node (pkg-path "nodejs_20") would provide nodejs_20' in by_pkg_path.stderr
    other = sandbox.run(["--", "no-such-tool-here"])
    assert other.returncode == 127 and "hint" not in other.stderr


STATUS = {"bash": "$?", "zsh": "$?", "fish": "$status", "tcsh": "$status"}


def test_a_shell_names_the_entry_after_command_not_found(sandbox: Sandbox, shell: str) -> None:
    sandbox.write_manifest(MANIFEST)
    # On lines of their own: tcsh expands an alias when it reads a line.
    code = f"go version 'a b'\necho status={STATUS[shell]}\nno-such-tool-x\necho done"
    result = sandbox.run(["--shell", shell, "-c", code])
    assert result.stdout.split() == ["status=127", "done"], result.stderr
    assert f"activate: {HINT}" in result.stderr
    assert result.stderr.count("activate: [install] go") == 1  # not for no-such-tool-x
    not_found = {"bash": "go: command not found", "zsh": "command not found: go"}
    assert not_found.get(shell, "go") in result.stderr


def test_a_shells_own_not_found_handler_still_runs(sandbox: Sandbox) -> None:
    """A handler defined before activate's (Debian's command-not-found, here in
    the user's BASH_ENV, which `bash -c` reads first) still answers for the
    commands activate knows nothing about."""
    own = sandbox.home / "env.bash"
    own.write_text('command_not_found_handle() { echo "mine: $1" >&2; return 127; }\n')
    sandbox.write_manifest(MANIFEST)
    result = sandbox.run(["--shell", "bash", "-c", "go\nother"], env={"BASH_ENV": str(own)})
    assert f"activate: {HINT}" in result.stderr
    assert "mine: other" in result.stderr and "mine: go" not in result.stderr


def test_status_lists_what_was_not_provided(sandbox: Sandbox) -> None:
    sandbox.write_manifest(MANIFEST)
    script = f"{in_place('bash')}\n{ACTIVATE} status --json\n{ACTIVATE} status\n"
    result = sandbox.shell("bash", script)
    assert result.returncode == 0, result.stderr
    end = result.stdout.index("\n}\n") + 3
    data = json.loads(result.stdout[:end])
    expected = [
        ("package", "go", 'pkg-path "go"'),
        ("package", "pip", 'pkg-path "python311Packages.pip"'),
        ("package", "node", 'pkg-path "nodejs_20"'),
        ("package", "tool", 'flake "github:owner/tool"'),
        ("include", "remote owner/env", ""),
        ("other", "[build]", ""),
    ]
    for where in (data["active"][0], data["project"]):
        got = [(i["kind"], i["name"], i["detail"]) for i in where["not_provided"]]
        assert got == expected
        assert all(i["why"] for i in where["not_provided"])
    plain = result.stdout[end:]
    short = "[install] go, pip, node, tool; [include] remote owner/env; [build]"
    assert f"  project: not provided: {short}" in plain
    assert f"\n  not provided: {short}" in plain


def test_status_of_a_manifest_that_asks_for_nothing_more(sandbox: Sandbox) -> None:
    sandbox.write_manifest("version = 1\n")
    data = json.loads(sandbox.run(["status", "--json"]).stdout)
    assert data["project"]["not_provided"] == []


# --- activate's own code does not depend on PATH ------------------------------------

PATH_X = """version = 1
[vars]
PATH = "/x"
[profile]
bash = "alias hi='echo hi'"
zsh = "alias hi='echo hi'"
fish = "alias hi 'echo hi'"
tcsh = "alias hi 'echo hi'"
"""

NOT_FOUND = ("not found", "Unknown command", "No such file")


def test_a_manifest_path_breaks_nothing_of_activates_own_with_c(
    sandbox: Sandbox, shell: str
) -> None:
    sandbox.write_manifest(PATH_X)
    result = sandbox.run(["--shell", shell, "-c", "echo ok"])
    assert (result.returncode, result.stdout, result.stderr) == (0, "ok\n", "")


def test_a_manifest_path_breaks_nothing_of_activates_own_in_place(
    sandbox: Sandbox, shell: str
) -> None:
    sandbox.write_manifest(PATH_X)
    show = "printenv PATH" if shell != "fish" else "string join : $PATH"
    script = f"{show}\n{in_place(shell)}\necho in\ndeactivate\n{show}\n"
    result = sandbox.shell(shell, script)
    assert not any(m in result.stderr for m in NOT_FOUND), result.stderr
    before, inside, after = result.stdout.splitlines()
    assert (inside, after) == ("in", before)


def test_a_manifest_path_breaks_nothing_in_an_interactive_subshell(sandbox: Sandbox) -> None:
    """The subshell's launch code (the same as -c's) through a terminal."""
    import pexpect

    sandbox.write_manifest(PATH_X)
    child = pexpect.spawn(
        ACTIVATE, ["--shell", "bash"], env=sandbox.env, cwd=str(sandbox.project), encoding="utf-8"
    )
    child.sendline("echo MARK$((1+1)); exit")
    child.expect("MARK2")
    child.expect(pexpect.EOF)
    seen = child.before or ""
    child.close()
    assert not any(m in seen for m in NOT_FOUND), seen
