"""Every manifest of the shared corpus: real Flox manifests from public repositories.

For each file of ../shared/corpus/flox-manifests (read where it is; a test copies it
into a temporary project as .flox/env/manifest.toml, nothing is copied into the repo):

1. it is read without error, and what activate does not support is named once, on one
   line; the one file that is not valid TOML (018) gets exit status 3 and an error that
   names its line and column;
2. in each shell, the code activate generates (in place: `--print`; subshell and `-c`:
   the launch file) and every `[profile]` file it sources pass that shell's own syntax
   check, and each snippet it skips is one that shell really rejects;
3. `activate -- true`, with the real hook run offline, succeeds, or fails with a short
   message naming the failing step: never a traceback, never a hang.

`python tests/test_corpus.py [pytest args]` runs these tests and then prints the
summary: how many manifests are read, activate, fail (at which step), and how many
`[profile]` snippets each shell skips; and the Flox features the corpus uses that
activate does not support (docs/flox-compatibility.md quotes these figures).
"""

from __future__ import annotations

import json
import os
import platform
import re
import shlex
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import tomllib
from collections import Counter
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import pytest
import tomlkit

from activator import catalog

from conftest import ACTIVATE, CORPUS, IN_CI, REPO, SHELLS, Sandbox, shell_path

MANIFESTS = sorted(CORPUS.glob("*.toml"))
if not MANIFESTS:
    # CI runs from a fresh clone beside ../shared: a missing corpus there is a broken
    # set-up, not a reason to test less (a collection error fails the run).
    if IN_CI:
        pytest.fail(f"the shared corpus is missing: no manifests in {CORPUS}", pytrace=False)
    pytest.skip("the shared corpus is not beside the checkout", allow_module_level=True)

# `python tests/test_corpus.py` sets this: each test leaves its findings there as JSON.
RESULTS_ENV = "ACTIVATE_CORPUS_RESULTS"

# A hook gets this long to finish (some create a Python venv: ~8 s here).
HOOK_TIMEOUT = 60

# activate's own message after a failure: this many lines at most, from its
# `activate: error:` line on (the hook's output comes before it).
ONE_SCREEN = 25

# Hooks run offline and deterministic: package managers told not to use the network,
# every proxy variable pointing at a closed local port (curl, git, pip and npm then fail
# at once instead of downloading), git's network protocols off, no colours, no prompts;
# stdin is /dev/null. PATH is the sandbox's: tools [install] would provide are missing.
CLOSED_PORT = "http://127.0.0.1:9"
# Real hooks and the catalog's conda-forge packages run with no network at all
# where the machine allows (root: a network namespace of its own).
NO_NETWORK = (
    ["unshare", "-n"]
    if shutil.which("unshare")
    and subprocess.run(["unshare", "-n", "true"], capture_output=True).returncode == 0
    else []
)

# A screen wide enough that the lines naming what was not provided name all of it
# (a $COLUMNS in the environment the tests run in would cut them).
WIDE = {"COLUMNS": "10000"}
OFFLINE = {
    "PIP_NO_INDEX": "1",
    "PIP_DISABLE_PIP_VERSION_CHECK": "1",
    "PIP_RETRIES": "0",
    "UV_OFFLINE": "1",
    "npm_config_offline": "true",
    "NO_COLOR": "1",
    "GIT_TERMINAL_PROMPT": "0",
    "GIT_CONFIG_COUNT": "1",
    "GIT_CONFIG_KEY_0": "protocol.allow",
    "GIT_CONFIG_VALUE_0": "never",
    **{name: CLOSED_PORT for name in ("http_proxy", "https_proxy", "all_proxy")},
    **{name: CLOSED_PORT for name in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY")},
    "no_proxy": "",
    "NO_PROXY": "",
}

# Each shell's own check: parse without running, without reading startup files.
SYNTAX_CHECK = {
    "bash": ["-n"],
    "zsh": ["-f", "-n"],
    "fish": ["--no-config", "--no-execute"],
    "tcsh": ["-f", "-n"],
}

PROFILE_KEYS = ("common", "bash", "zsh", "fish", "tcsh")


def manifest_id(path: Path) -> str:
    """`072-flox/floxenvs/python` from `072__flox__floxenvs__python.toml`."""
    number, owner, repo, folder = path.stem.split("__")
    return f"{number}-{owner}/{repo}" + ("" if folder == "root" else f"/{folder}")


IDS = [manifest_id(p) for p in MANIFESTS]


@cache
def toml_error(path: Path) -> tuple[int, int] | None:
    """(line, column) of the file's TOML error as tomllib reports it, or None if valid."""
    try:
        tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as e:
        found = re.search(r"\(at line (\d+), column (\d+)\)", str(e))
        assert found, f"tomllib gave no position: {e}"
        return int(found[1]), int(found[2])
    return None


@cache
def data_of(path: Path) -> dict[str, object]:
    return tomllib.loads(path.read_text(encoding="utf-8"))


@cache
def daemon_refusal(path: Path) -> int | None:
    """The line of an `is-daemon = true` whose service has no shutdown.command:
    Flox refuses such a manifest, and so does activate (docs/services.md)."""
    if toml_error(path) is not None:
        return None
    services = data_of(path).get("services") or {}
    assert isinstance(services, dict)
    for name, service in services.items():
        if not isinstance(service, dict) or service.get("is-daemon") is not True:
            continue
        shutdown = service.get("shutdown")
        if isinstance(shutdown, dict) and shutdown.get("command"):
            continue
        lines = path.read_text(encoding="utf-8").splitlines()
        keys = ("is-daemon", f"{name}.is-daemon")
        return next(i for i, text in enumerate(lines, 1) if text.strip().startswith(keys))
    return None


VALID = [p for p in MANIFESTS if toml_error(p) is None and daemon_refusal(p) is None]
VALID_IDS = [manifest_id(p) for p in VALID]


@cache
def without_hook(path: Path) -> str:
    """The manifest with its hook emptied (an empty hook does not run), all else as written.

    The tests of generated code use this copy so that they never run real hooks;
    only test_activate_true_succeeds_or_fails_cleanly runs them (offline)."""
    doc = tomlkit.parse(path.read_text(encoding="utf-8"))
    hook = doc.get("hook")
    if hook is not None:
        for key in ("on-activate", "script"):
            if key in hook:
                hook[key] = ""
    return tomlkit.dumps(doc)


def unsupported(data: dict[str, object]) -> dict[str, list[str]]:
    """What docs/manifest.md says the lines on stderr name for this manifest, by
    line: the [install] ids, the services, the included environments, and the
    other sections and keys not supported yet."""
    out: dict[str, list[str]] = {}
    install = data.get("install") or {}
    assert isinstance(install, dict)
    # Named as not available: entries for this machine (an entry whose `systems`
    # leaves it out is not asked for here) that the catalog does not map.
    named = []
    for pid, entry in install.items():
        if not isinstance(entry, dict) or this_system() not in entry.get(
            "systems", [this_system()]
        ):
            continue
        for key in ("pkg-path", "flake", "store-path"):
            if key in entry:
                value = entry[key]
                shown = ".".join(value) if isinstance(value, list) else str(value)
                version = entry.get("version")
                if key == "pkg-path" and isinstance(
                    catalog.lookup(shown, version if isinstance(version, str) else None),
                    catalog.Mapped,
                ):
                    break
                named.append(f'{pid} ({key} "{shown}")')
                break
    if named:
        out["install"] = named
    # [services] run (supervisor comes with the test extras): nothing named
    include = data.get("include") or {}
    assert isinstance(include, dict)
    remote = [f"remote {e['remote']}" for e in include.get("environments") or [] if "remote" in e]
    if remote:  # a dir is merged (the tests make its folder: make_included)
        out["include"] = remote
    other: list[str] = []
    hook = data.get("hook") or {}
    assert isinstance(hook, dict)
    if "on-deactivate" in hook:
        other.append("[hook] on-deactivate")
    if "on-activate" in hook and "script" in hook:
        other.append("[hook] script (on-activate is used instead)")
    profile = data.get("profile") or {}
    assert isinstance(profile, dict)
    other += [f"[profile] {key}" for key in profile if key not in PROFILE_KEYS]
    options = data.get("options") or {}
    assert isinstance(options, dict)
    activate = options.get("activate") or {}
    other += [f"[options] activate.{key}" for key in activate if key != "mode"]
    for section in ("build", "containerize", "plugins", "pkg-groups"):
        if data.get(section):
            other.append(f"[{section}]")
    if other:
        out["other"] = other
    return out


def this_system() -> str:
    """This machine in Nix's spelling (x86_64-linux, aarch64-darwin, ...)."""
    machine = {"arm64": "aarch64", "amd64": "x86_64"}.get(
        platform.machine().lower(), platform.machine().lower()
    )
    return f"{machine}-{'darwin' if sys.platform == 'darwin' else 'linux'}"


def systems_warning_expected(data: dict[str, object]) -> bool:
    options = data.get("options") or {}
    assert isinstance(options, dict)
    systems = options.get("systems")
    listed = isinstance(systems, list) and all(isinstance(s, str) for s in systems)
    return listed and this_system() not in systems  # type: ignore[operator]


NOTE_LINES = {
    "install": "activate: [install] not available without Nix: ",
    "services": "activate: [services] not started: supervisor is not installed (install activate[services]): ",
    "include": "activate: [include] not merged (FloxHub is not reachable): ",
    "other": "activate: not supported yet, ignored: ",
}


INCLUDED = """version = 1
[vars]
INCLUDED_FROM = "{dir}"
[hook]
on-activate = 'export INCLUDED_HOOK="{dir}"'
"""


def make_included(sandbox: Sandbox, manifest: Path) -> list[str]:
    """Make the environment of each `dir` include of `manifest` in the sandbox's
    project (a small one with a variable and a hook naming its dir); the dirs."""
    if toml_error(manifest) is not None:
        return []
    include = data_of(manifest).get("include") or {}
    assert isinstance(include, dict)
    dirs = [str(e["dir"]) for e in include.get("environments") or [] if "dir" in e]
    for d in dirs:
        target = sandbox.project / d / ".flox" / "env" / "manifest.toml"
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(INCLUDED.format(dir=d))
    return dirs


def note_items(stderr: str) -> dict[str, list[str]]:
    """The items each line about what was not provided names, by line (each line
    once: a second one of a kind would overwrite the first and fail a comparison)."""
    found: dict[str, list[str]] = {}
    for line in stderr.splitlines():
        for kind, prefix in NOTE_LINES.items():
            if line.startswith(prefix):
                assert kind not in found, f"said twice: {line}"
                found[kind] = line[len(prefix) :].split(", ")
    return found


def record(kind: str, test_id: str, **findings: object) -> None:
    """Keep a test's findings for the summary (only under `python tests/test_corpus.py`)."""
    folder = os.environ.get(RESULTS_ENV)
    if folder:
        label = "-".join(str(x) for x in (kind, findings.get("shell"), test_id) if x)
        name = re.sub(r"[^A-Za-z0-9_.-]", "_", label) + ".json"
        Path(folder, name).write_text(json.dumps({"kind": kind, "id": test_id, **findings}))


def syntax_check(shell: str, path: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [shell_path(shell), *SYNTAX_CHECK[shell], str(path)],
        env=env,
        cwd=path.parent,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        errors="replace",
        timeout=30,
    )


def assert_parses(shell: str, path: Path, env: dict[str, str], what: str) -> None:
    done = syntax_check(shell, path, env)
    assert done.returncode == 0 and not done.stderr.strip(), (
        f"{shell} rejects {what} ({path}):\n{done.stderr}\n--- the code:\n{path.read_text()}"
    )


def printed_code(sandbox: Sandbox, shell: str, stdout: str) -> Path:
    """A file holding the code `--print --shell S` gave: for tcsh, the file its one
    `source` line names (it deletes itself only when sourced)."""
    if shell == "tcsh":
        named = re.fullmatch(r"source '([^']+)';\n", stdout)
        assert named, stdout
        path = Path(named[1])
        assert path.is_relative_to(sandbox.root), path  # under the sandbox's state dirs
        return path
    path = sandbox.root / f"print.{shell}"
    path.write_text(stdout)
    return path


def sourced(shell: str, code: str) -> list[Path]:
    """The files the generated code sources, in order."""
    keyword = r"\." if shell in ("bash", "zsh") else "source"
    return [Path(m) for m in re.findall(rf"^{keyword} '([^']*)';$", code, re.MULTILINE)]


# --- 1. read ---------------------------------------------------------------------------


@pytest.mark.parametrize("manifest", MANIFESTS, ids=IDS)
def test_manifest_is_read(sandbox: Sandbox, manifest: Path) -> None:
    error = toml_error(manifest)
    if error is not None:
        assert manifest.name.startswith("018__"), "only 018 is invalid TOML (shared/README.md)"
        sandbox.manifest.parent.mkdir(parents=True)
        sandbox.manifest.write_bytes(manifest.read_bytes())
        result = sandbox.run(["--print", "--shell", "bash"])
        line, column = error
        assert result.returncode == 3, result.stderr
        assert result.stdout == ""
        assert result.stderr.startswith("activate: error: invalid TOML: ")
        assert f"{sandbox.manifest}, line {line}, column {column}" in result.stderr
        assert "Traceback" not in result.stderr
        assert len(result.stderr.splitlines()) <= ONE_SCREEN
        record("read", manifest_id(manifest), ok=False, line=line, column=column)
        return

    refused = daemon_refusal(manifest)
    if refused is not None:  # refused before anything runs, naming the is-daemon line
        sandbox.manifest.parent.mkdir(parents=True)
        sandbox.manifest.write_bytes(manifest.read_bytes())
        result = sandbox.run(["--print", "--shell", "bash"])
        assert (result.returncode, result.stdout) == (3, ""), result.stderr
        assert "without a shutdown.command" in result.stderr.splitlines()[0]
        assert f"{sandbox.manifest}, line {refused}" in result.stderr
        record("read", manifest_id(manifest), ok=False, line=refused)
        return

    # The copy with the hook emptied, so that reading it runs nothing.
    sandbox.write_manifest(without_hook(manifest))
    make_included(sandbox, manifest)
    result = sandbox.run(["--print", "--shell", "bash"], env=WIDE)
    assert result.returncode == 0, result.stderr
    assert "export FLOX_ENV='" in result.stdout
    data = data_of(manifest)
    expected = unsupported(data)
    assert note_items(result.stderr) == expected
    warned = f"activate: [options] systems does not list {this_system()}; activating anyway"
    assert (warned in result.stderr.splitlines()) == systems_warning_expected(data)
    # Nothing else: no hook ran, and bash accepts or skips each snippet on one line.
    for line in result.stderr.splitlines():
        assert line.startswith("activate: ") and not line.startswith("activate: error"), line
    record("read", manifest_id(manifest), ok=True, unsupported=sorted(expected.get("other", [])))


# --- 2. generated code ---------------------------------------------------------------

# Stands in for the shell that `activate --shell S` and `-c` start: keeps a copy of the
# launch file activate wrote (the real shell deletes it as it sources it) and exits,
# so no rc file and no [profile] code runs. Anything else (activate's own syntax check
# of [profile] code) goes to the real shell.
WRAPPER = """#!/bin/sh
launch=${_ACTIVATE_LAUNCH-}
if [ "${1-}" = --init-command ]; then launch=${2#source \\'}; launch=${launch%\\'}; fi
if [ -n "$launch" ]; then exec cp -- "$launch" @COPY@; fi
exec @REAL@ "$@"
"""

REJECTED = re.compile(
    r"^activate: \[profile\] (\w+) \((.+), line (\d+)\) is not valid (\w+), "
    r"so \4 does not source it: (.+); (put \4 code in \[profile\] \4|fix its syntax)$"
)


@pytest.mark.parametrize("manifest", VALID, ids=VALID_IDS)
def test_generated_code_passes_the_shells_syntax_check(
    sandbox: Sandbox, shell: str, manifest: Path, tmp_path: Path
) -> None:
    text = without_hook(manifest)  # the hook emptied: this test runs no hook
    sandbox.write_manifest(text)
    make_included(sandbox, manifest)
    env = dict(sandbox.env)

    # In place: the --print output (for tcsh, the file its `source` line names).
    printed = sandbox.run(["--print", "--shell", shell])
    assert printed.returncode == 0, printed.stderr
    code_file = printed_code(sandbox, shell, printed.stdout)
    code = code_file.read_text()
    assert_parses(shell, code_file, env, "the --print code")

    # The [profile] files: those the code sources are exactly those activate wrote for
    # this shell, and each parses.
    files = sourced(shell, code)
    written = [
        p for p in sandbox.state_files() if re.fullmatch(rf".+\.profile-\w+\.{shell}", p.name)
    ]
    assert sorted(files) == sorted(written)
    for path in files:
        assert_parses(shell, path, env, "a [profile] file")

    # Subshell and -c: the launch file.
    wrappers, copy = tmp_path / "wrappers", tmp_path / f"launch.{shell}"
    wrappers.mkdir()
    fake = wrappers / shell
    fake.write_text(
        WRAPPER.replace("@COPY@", shlex.quote(str(copy))).replace(
            "@REAL@", shlex.quote(shell_path(shell))
        )
    )
    fake.chmod(0o755)
    launched = sandbox.run(
        ["--shell", shell, "-c", "true"], env={"PATH": f"{wrappers}:{env['PATH']}"}
    )
    assert launched.returncode == 0, launched.stderr
    assert copy.exists(), "the wrapper saw no launch file"
    launch = copy.read_text()
    assert_parses(shell, copy, env, "the launch file")
    assert sourced(shell, launch) == files

    # Each snippet is either sourced or skipped with one line naming it, and a snippet
    # activate skips is one the shell really rejects.
    profile = data_of(manifest).get("profile") or {}
    assert isinstance(profile, dict)
    rejected: dict[str, str] = {}
    for line in printed.stderr.splitlines():
        found = REJECTED.match(line)
        if found:
            key, path, number, _, problem, _ = found.groups()
            assert path == str(sandbox.manifest)
            assert key in text.splitlines()[int(number) - 1], line
            assert key not in rejected
            rejected[key] = problem
    assert printed.stderr.count("is not valid") == len(rejected), printed.stderr
    assert launched.stderr.count("is not valid") == len(rejected), launched.stderr
    for key in ("common", shell):
        snippet = profile.get(key)
        if not isinstance(snippet, str) or not snippet.strip():
            assert key not in rejected
            continue
        is_sourced = any(p.name.endswith(f".profile-{key}.{shell}") for p in files)
        assert is_sourced != (key in rejected), f"[profile] {key}: sourced and skipped?"
        if key in rejected:
            alone = tmp_path / f"snippet-{key}.{shell}"
            alone.write_text(snippet + "\n")
            assert syntax_check(shell, alone, env).returncode != 0, (
                f"activate skipped [profile] {key}, but {shell} accepts it"
            )
    record(
        "code",
        manifest_id(manifest),
        shell=shell,
        snippets=[k for k in ("common", shell) if str(profile.get(k) or "").strip()],
        rejected=rejected,
    )


# --- 3. activate -- true with the real hook ------------------------------------------


@dataclass
class Outcome:
    status: int | None  # None: killed after the time limit
    stdout: str
    stderr: str
    seconds: float


def run_bounded(sandbox: Sandbox, argv: list[str], timeout: float) -> Outcome:
    """Run activate in a session of its own with output to files (a hook's background
    children may keep a pipe open); after `timeout`, or once it exits, kill whatever of
    that session is left."""
    out, err = sandbox.root / "out", sandbox.root / "err"
    start = time.monotonic()
    with open(out, "wb") as o, open(err, "wb") as e:
        proc = subprocess.Popen(
            [*NO_NETWORK, ACTIVATE, *argv],
            cwd=sandbox.project,
            env={**sandbox.env, **OFFLINE, **WIDE},
            stdin=subprocess.DEVNULL,
            stdout=o,
            stderr=e,
            start_new_session=True,
        )
        status: int | None
        try:
            status = proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            status = None
        finally:
            try:
                os.killpg(proc.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            proc.wait()
    seconds = time.monotonic() - start
    text = [p.read_bytes().decode("utf-8", "replace") for p in (out, err)]
    return Outcome(status, text[0], text[1], seconds)


def failed_step(summary: str, status: int) -> str | None:
    """Which step activate's error line names."""
    if "[hook]" in summary:
        return "hook"
    if status == 3:
        return "manifest"
    return None


@pytest.mark.parametrize("manifest", MANIFESTS, ids=IDS)
def test_activate_true_succeeds_or_fails_cleanly(sandbox: Sandbox, manifest: Path) -> None:
    sandbox.manifest.parent.mkdir(parents=True)
    sandbox.manifest.write_bytes(manifest.read_bytes())
    make_included(sandbox, manifest)
    outcome = run_bounded(sandbox, ["--", "true"], HOOK_TIMEOUT)
    tail = "\n".join(outcome.stderr.splitlines()[-30:])
    assert outcome.status is not None, f"still running after {HOOK_TIMEOUT} s:\n{tail}"
    assert "Traceback" not in outcome.stderr, outcome.stderr
    assert outcome.stdout == "", "hook output must go to stderr"
    lines = outcome.stderr.splitlines()
    errors = [i for i, line in enumerate(lines) if line.startswith("activate: error:")]
    step = None
    if outcome.status == 0:
        assert not errors, outcome.stderr
    else:
        assert errors, f"status {outcome.status} without an activate error:\n{tail}"
        message = lines[errors[0] :]
        assert len(message) <= ONE_SCREEN, "\n".join(message)
        step = failed_step(message[0], outcome.status)
        assert step is not None, f"the error names no step:\n{tail}"
        assert str(sandbox.manifest) in "\n".join(message)
        refused = toml_error(manifest) is not None or daemon_refusal(manifest) is not None
        assert (outcome.status == 3) == refused, tail
        if step == "manifest" and toml_error(manifest) is not None:
            line, column = toml_error(manifest) or (0, 0)
            assert f"line {line}, column {column}" in message[1]
        elif step == "manifest":
            assert f"line {daemon_refusal(manifest)}" in message[1]
    if toml_error(manifest) is None and daemon_refusal(manifest) is None:
        # Named once, on the first line, when the activation starts (before the hook).
        expected = unsupported(data_of(manifest))
        assert note_items(outcome.stderr) == expected
        if expected:
            assert lines[0].startswith(NOTE_LINES[next(iter(expected))])
    if outcome.status == 0:
        # What the hook exported, as each shell's in-place code, parses too. The hook
        # runs again for the first --print (`true` held no activation); the others attach.
        for shell in SHELLS:
            printed = run_bounded(sandbox, ["--print", "--shell", shell], HOOK_TIMEOUT)
            assert printed.status == 0, f"--print --shell {shell}:\n{printed.stderr}"
            code = printed_code(sandbox, shell, printed.stdout)
            assert_parses(shell, code, sandbox.env, "the --print code with the hook's exports")
    record(
        "true",
        manifest_id(manifest),
        status=outcome.status,
        step=step,
        error=lines[errors[0]] if errors else None,
        seconds=round(outcome.seconds, 2),
    )


# --- the summary ---------------------------------------------------------------------


def features(path: Path) -> tuple[set[str], set[str]]:
    """The Flox features a valid manifest uses that activate does not: those the
    not-supported-yet line names, and those read and ignored without a word."""
    data = data_of(path)
    named = {f"[{kind}]" for kind in unsupported(data) if kind != "other"}
    named |= set(unsupported(data).get("other", []))
    silent = {key for key in ("version", "schema-version", "description") if key in data}
    silent |= {
        f"[{key}] (empty)"
        for key in ("install", "services", "build", "include")
        if key in data and not data[key]
    }
    options = data.get("options") or {}
    assert isinstance(options, dict)
    silent |= {f"[options] {key}" for key in options if key not in ("activate", "systems")}
    return named, silent


def summary(folder: str) -> str:
    results = [json.loads(p.read_text()) for p in Path(folder).glob("*.json")]
    read = [r for r in results if r["kind"] == "read"]
    true = [r for r in results if r["kind"] == "true"]
    code = [r for r in results if r["kind"] == "code"]
    out = [f"corpus: {len(MANIFESTS)} manifests ({len(VALID)} valid TOML)"]
    out.append(f"read without error: {sum(r['ok'] for r in read)} of {len(read)}")
    out.extend(
        f"  not read: {r['id']} (line {r['line']}, column {r['column']})"
        for r in read
        if not r["ok"]
    )
    ok = [r for r in true if r["status"] == 0]
    failed = sorted((r for r in true if r["status"] not in (0, None)), key=lambda r: r["id"])
    hung = [r for r in true if r["status"] is None]
    out.append(f"activate -- true: {len(ok)} succeed, {len(failed)} fail cleanly, {len(hung)} hang")
    for step, n in sorted(Counter(r["step"] for r in failed).items(), key=str):
        out.append(f"  failing step {step}: {n}")
    out.extend(f"  {r['id']}: status {r['status']}: {r['error']}" for r in failed)
    slow = sorted(true, key=lambda r: -r["seconds"])[:5]
    out.append("slowest: " + ", ".join(f"{r['id']} {r['seconds']} s" for r in slow))
    out.append("[profile] snippets per shell (sourced + skipped because the shell rejects them):")
    for shell in SHELLS:
        mine = [r for r in code if r["shell"] == shell]
        for key in ("common", shell):
            have = [r for r in mine if key in r["snippets"]]
            skipped = sorted(r["id"] for r in have if key in r["rejected"])
            out.append(
                f"  {shell:<4} {key:<6}: {len(have)} present, {len(have) - len(skipped)} sourced,"
                f" {len(skipped)} skipped" + (f" ({', '.join(skipped)})" if skipped else "")
            )
    for i, title in enumerate(("named on stderr", "read, ignored without a word")):
        uses = Counter(f for p in VALID for f in features(p)[i])
        out.append(f"not supported, {title} (of the {len(VALID)} valid manifests):")
        out.extend(f"  {name}: {n}" for name, n in sorted(uses.items()))
    return "\n".join(out)


def main() -> int:
    """Run this file's tests, then print the summary."""
    with tempfile.TemporaryDirectory() as folder:
        args = [sys.executable, "-m", "pytest", __file__, "-q", "-p", "no:cacheprovider"]
        status = subprocess.call([*args, *sys.argv[1:]], env={**os.environ, RESULTS_ENV: folder})
        print(summary(folder))
    return status


if __name__ == "__main__":
    os.chdir(REPO)
    sys.exit(main())
