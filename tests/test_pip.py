"""Packages from `[install]` pip entries, through the installed `activate`.

Every package is a wheel made in the test (tests/wheels.py) in the project's
`wheels/` folder, used with `find-links` and `no-index`: nothing here needs a
network, and where `unshare -n` works (root) every activation runs in a
network namespace without one, which proves it.

What a user checks: the requested programs run; `python` imports the
packages from the shared store; the same set written differently is built
once; the lock is written, reused, moved with the project; failures say which
entry, on which line, and why, leaving nothing behind; a build that is killed
or interrupted is never taken for complete; concurrent activations build
once; a built environment cannot be changed; `--print` prints only code.
"""

from __future__ import annotations

import hashlib
import os
import shlex
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import tomllib
from collections.abc import Iterator
from pathlib import Path

import pytest

from wheels import make_wheel, standard_set

from conftest import (
    ACTIVATE,
    Sandbox,
    make_sandbox,
    sandbox_processes,
    stop_leftovers,
    wait_until,
)

OPTIONS = '[options]\nactivate.pip.find-links = ["wheels"]\nactivate.pip.no-index = true\n'
BUILD_STEP = "activate: installing"
RESOLVE_STEP = "activate: resolving"
WAITING = "waiting for another activate to finish building the pip environment (2 packages)"


def _can(argv: list[str]) -> bool:
    """Whether `argv` runs and succeeds here."""
    try:
        return subprocess.run(argv, capture_output=True).returncode == 0
    except FileNotFoundError:
        return False


# Every activation here runs without a network where the machine allows it.
OFFLINE = ["unshare", "-n"] if _can(["unshare", "-n", "true"]) else []
needs_mounts = pytest.mark.skipif(
    not _can(["unshare", "-rm", "true"]), reason="needs unshare -rm for a read-only mount"
)


def manifest(*entries: str, options: str = OPTIONS, extra: str = "") -> str:
    """A manifest with these `[install]` lines, taking packages from `wheels/` only."""
    return "version = 1\n[install]\n" + "".join(e + "\n" for e in entries) + options + extra


def new_project(folder: Path, *entries: str) -> Path:
    """A project at `folder` (its own `wheels/` holding the standard set) with these entries."""
    standard_set(folder / "wheels")
    (folder / ".flox" / "env").mkdir(parents=True, exist_ok=True)
    (folder / ".flox" / "env" / "manifest.toml").write_text(manifest(*entries))
    return folder


def act(
    sandbox: Sandbox,
    args: list[str],
    *,
    cwd: Path | None = None,
    env: dict[str, str] | None = None,
    timeout: float = 120,
) -> subprocess.CompletedProcess[str]:
    """Run the installed activate (without a network, where possible)."""
    return subprocess.run(
        [*OFFLINE, ACTIVATE, *args],
        cwd=cwd or sandbox.project,
        env={**sandbox.env, **(env or {})},
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def ok(done: subprocess.CompletedProcess[str]) -> subprocess.CompletedProcess[str]:
    """`done`, which must have succeeded with progress as plain lines on stderr."""
    assert done.returncode == 0, done.stderr
    assert "\x1b" not in done.stderr, "escape codes on a stderr that is not a terminal"
    assert "Traceback" not in done.stderr and "internal error" not in done.stderr, done.stderr
    return done


def store(sandbox: Sandbox, cache: Path | None = None) -> Path:
    """The shared store of package environments."""
    return (cache or sandbox.root / "cache") / "activate" / "packages"


def folders(sandbox: Sandbox, cache: Path | None = None) -> list[Path]:
    """The environment folders in the store (complete or not), without leftovers."""
    root = store(sandbox, cache)
    if not root.is_dir():
        return []
    return sorted(p for p in root.iterdir() if p.is_dir() and not p.name.startswith("."))


def complete(sandbox: Sandbox, cache: Path | None = None) -> list[Path]:
    """The environment folders that are complete (their marker written last)."""
    return [p for p in folders(sandbox, cache) if (p / ".activate.json").is_file()]


def leftovers(sandbox: Sandbox, cache: Path | None = None) -> list[str]:
    """Builds in progress or dead ones' remains, and folders without a marker."""
    root = store(sandbox, cache)
    if not root.is_dir():
        return []
    tmp = [p.name for p in root.iterdir() if p.name.startswith(".tmp-")]
    return tmp + [p.name for p in folders(sandbox, cache) if p not in complete(sandbox, cache)]


def bin_listing(sandbox: Sandbox, mode: str, cwd: Path | None = None) -> list[str]:
    """The names in `$FLOX_ENV/bin` for an activation in `mode`."""
    done = ok(act(sandbox, ["--mode", mode, "--", "sh", "-c", 'ls -A "$FLOX_ENV/bin"'], cwd=cwd))
    return done.stdout.split()


def lock_of(project: Path) -> Path:
    """The lock of the project at `project`."""
    return project / ".flox" / "env" / "activate.lock"


def sha256(path: Path) -> str:
    """The file's sha256, as the lock records it."""
    return hashlib.sha256(path.read_bytes()).hexdigest()


def another_user(sandbox: Sandbox, name: str) -> dict[str, str]:
    """Environment overrides for another user (or machine): a cache of its own
    (an empty store, an empty uv cache) at `sandbox.root/name`, and state of
    its own (nothing remembered from this user's activations)."""
    runtime = sandbox.root / f"{name}-runtime"
    runtime.mkdir(mode=0o700, exist_ok=True)
    return {"XDG_CACHE_HOME": str(sandbox.root / name), "XDG_RUNTIME_DIR": str(runtime)}


@pytest.fixture
def project(sandbox: Sandbox) -> Sandbox:
    """The sandbox with the standard wheels in its project's `wheels/` folder."""
    standard_set(sandbox.project / "wheels")
    return sandbox


# -- 1. programs and python ----------------------------------------------------------------


def test_a_requested_script_runs_and_python_imports_from_the_store(project: Sandbox) -> None:
    project.write_manifest(manifest('hello.pip = "hello-tool>=1"'))
    first = ok(act(project, ["--", "hello"]))
    assert first.stdout == "hello-tool 2.0\n"
    assert RESOLVE_STEP in first.stderr and BUILD_STEP in first.stderr
    [built] = complete(project)
    for python in ("python", "python3"):
        done = ok(
            act(
                project,
                [
                    "--",
                    python,
                    "-c",
                    "import sys, hello_tool, dep_lib; print(hello_tool.VERSION, dep_lib.VERSION);"
                    "print(sys.prefix); print(hello_tool.__file__)",
                ],
            )
        )
        versions, prefix, where = done.stdout.splitlines()
        assert versions == "2.0 1.0"
        assert prefix == str(built)
        assert where.startswith(str(built) + "/lib/")
        assert BUILD_STEP not in done.stderr and RESOLVE_STEP not in done.stderr


def test_the_hook_runs_with_the_packages(project: Sandbox) -> None:
    project.write_manifest(
        manifest(
            'hello.pip = "hello-tool>=1"',
            extra="[hook]\non-activate = 'export GREETING=\"$(hello)\"'\n",
        )
    )
    done = ok(act(project, ["--", "sh", "-c", 'echo "$GREETING"']))
    assert done.stdout == "hello-tool 2.0\n"


@pytest.mark.parametrize("mode", ["dev", "run"])
def test_the_venvs_own_activate_never_shadows_this_tool(project: Sandbox, mode: str) -> None:
    project.write_manifest(manifest('hello.pip = "hello-tool>=1"'))
    done = ok(
        act(
            project,
            ["--mode", mode, "-c", "command -v activate; hello"],
            env={"SHELL": "/bin/bash"},
        )
    )
    assert done.stdout.splitlines() == [ACTIVATE, "hello-tool 2.0"]
    assert "activate" not in bin_listing(project, mode)


# -- 2. dev and run --------------------------------------------------------------------------


def test_run_mode_shows_only_the_requested_scripts_dev_mode_the_dependencies_too(
    project: Sandbox,
) -> None:
    project.write_manifest(manifest('hello.pip = "hello-tool>=1"'))
    assert bin_listing(project, "run") == ["hello", "python", "python3"]
    assert bin_listing(project, "dev") == ["dep-tool", "hello", "python", "python3"]
    assert ok(act(project, ["--mode", "dev", "--", "dep-tool"])).stdout == "dep-lib 1.0\n"
    done = act(project, ["--mode", "run", "--", "dep-tool"])
    assert done.returncode == 127, done.stderr


def test_run_mode_shows_what_each_project_asks_for_whoever_built_first(project: Sandbox) -> None:
    """Two projects whose entries resolve to the same packages: the one that
    also asks for dep-lib by name sees its script in run mode."""
    project.write_manifest(manifest('hello.pip = "hello-tool>=1"'))
    assert bin_listing(project, "run") == ["hello", "python", "python3"]
    other = new_project(
        project.root / "other", 'hello.pip = "hello-tool>=1"', 'dep.pip = "dep-lib"'
    )
    assert bin_listing(project, "run", cwd=other) == ["dep-tool", "hello", "python", "python3"]
    assert bin_listing(project, "run") == ["hello", "python", "python3"]


def test_an_entry_for_other_systems_is_not_built(project: Sandbox) -> None:
    machine = {"arm64": "aarch64", "amd64": "x86_64"}.get(os.uname().machine, os.uname().machine)
    here = f"{machine}-{sys.platform}"  # Nix's name of this system
    project.write_manifest(
        manifest(
            f'hello = {{ pip = "hello-tool>=1", systems = ["{here}"] }}',
            'other = { pip = "other-tool", systems = ["riscv64-none"] }',
            'go.pkg-path = "go"',
        )
    )
    assert bin_listing(project, "dev") == ["dep-tool", "hello", "python", "python3"]
    names = [
        p["name"] for p in tomllib.loads(lock_of(project.project).read_text())["pip"]["packages"]
    ]
    assert sorted(names) == ["dep-lib", "hello-tool"]


# -- 3. sharing ------------------------------------------------------------------------------


def test_the_same_set_written_differently_is_built_once(project: Sandbox) -> None:
    project.write_manifest(manifest('hello.pip = "hello-tool>=1"', 'other.pip = "other-tool"'))
    ok(act(project, ["--", "hello"]))
    [built] = complete(project)
    other = new_project(
        project.root / "other",
        'o.pip = "Other.Tool"',
        'greeting = { pip = "Hello_Tool >= 1" }',
    )
    done = ok(act(project, ["--", "python", "-c", "import sys; print(sys.prefix)"], cwd=other))
    assert done.stdout == f"{built}\n"
    assert BUILD_STEP not in done.stderr and "creating" not in done.stderr, done.stderr
    assert folders(project) == [built]
    assert (
        ok(act(project, ["--mode", "run", "--", "other"], cwd=other)).stdout == "other-tool 1.0\n"
    )


def test_an_activation_inside_an_activated_shell_uses_the_same_folder(project: Sandbox) -> None:
    """Inside an activation `python3` on PATH is the environment's own wrapper:
    the set built from there is still the same set."""
    project.write_manifest(manifest('hello.pip = "hello-tool>=1"'))
    ok(act(project, ["--", "hello"]))
    [built] = complete(project)
    other = new_project(project.root / "other", 'h.pip = "hello-tool>=1"')
    inner = (
        f"cd {shlex.quote(str(other))} && command -v python3 && "
        f"{shlex.quote(ACTIVATE)} --mode run -- python3 -c 'import sys; print(sys.prefix)'"
    )
    done = ok(act(project, ["--", "sh", "-c", inner]))
    python3, prefix = done.stdout.splitlines()
    assert python3.startswith(str(project.project / ".flox")), python3
    assert prefix == str(built)
    assert BUILD_STEP not in done.stderr, done.stderr
    assert folders(project) == [built]


def test_a_changed_set_gets_a_new_folder_and_the_old_one_keeps_working(project: Sandbox) -> None:
    project.write_manifest(manifest('hello.pip = "hello-tool==1.0"'))
    ready, go = project.root / "ready", project.root / "go"
    # A command of the old set, still running when the set changes: it imports later.
    script = (
        "import os, sys, time\n"
        f"open({str(ready)!r}, 'w').close()\n"
        f"while not os.path.exists({str(go)!r}): time.sleep(0.02)\n"
        "import hello_tool\n"
        "print(hello_tool.VERSION, sys.prefix)\n"
    )
    old_command = subprocess.Popen(
        [*OFFLINE, ACTIVATE, "--", "python", "-c", script],
        cwd=project.project,
        env=project.env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        wait_until(ready.exists, timeout=60)
        [old] = complete(project)
        project.write_manifest(manifest('hello.pip = "hello-tool>=1"'))
        assert ok(act(project, ["--", "hello"])).stdout == "hello-tool 2.0\n"
        assert len(complete(project)) == 2 and old in complete(project)
        go.touch()
        out, err = old_command.communicate(timeout=60)
    finally:
        old_command.kill()
        old_command.wait()
    assert old_command.returncode == 0, err
    assert out == f"1.0 {old}\n"
    assert subprocess.run([old / "bin" / "hello"], capture_output=True, text=True).stdout == (
        "hello-tool 1.0\n"
    )


# -- 4. the lock -----------------------------------------------------------------------------


def test_the_lock_records_the_resolution_with_paths_inside_the_project(sandbox: Sandbox) -> None:
    # A folder name that URL quoting spells in more than one way (space, +, @).
    here = new_project(sandbox.root / "my work+c++@home", 'hello.pip = "hello-tool>=1"')
    ok(act(sandbox, ["--", "hello"], cwd=here))
    text = lock_of(here).read_text()
    assert "file:" not in text and str(here) not in text, text
    lock = tomllib.loads(text)
    assert lock["version"] == 1
    pip = lock["pip"]
    assert isinstance(pip["fingerprint"], str) and pip["fingerprint"]
    assert pip["python"] == f"{sys.version_info[0]}.{sys.version_info[1]}"
    found = {p["name"]: p for p in pip["packages"]}
    assert {n: p["version"] for n, p in found.items()} == {"hello-tool": "2.0", "dep-lib": "1.0"}
    for p in found.values():
        [wheel] = p["wheels"]
        assert wheel["path"].startswith("wheels/"), wheel
        assert wheel["hashes"]["sha256"] == sha256(here / wheel["path"])


def test_a_committed_lock_works_in_another_checkout_without_resolving(sandbox: Sandbox) -> None:
    first = new_project(sandbox.root / "a b+c", 'hello.pip = "hello-tool>=1"')
    ok(act(sandbox, ["--", "hello"], cwd=first))
    locked = lock_of(first).read_bytes()
    # The other checkout: the committed files only, somewhere else, for a user
    # whose store is empty; its wheel folder also has a newer hello-tool, which
    # a new resolution would pick.
    second = sandbox.root / "elsewhere" / "x+y z"
    shutil.copytree(first / ".flox" / "env", second / ".flox" / "env")
    shutil.copytree(first / "wheels", second / "wheels")
    make_wheel(second / "wheels", "hello-tool", "3.0", scripts={"hello": "hello_tool:main"})
    shutil.rmtree(first)
    done = ok(act(sandbox, ["--", "hello"], cwd=second, env=another_user(sandbox, "cache2")))
    assert done.stdout == "hello-tool 2.0\n"
    assert RESOLVE_STEP not in done.stderr and BUILD_STEP in done.stderr, done.stderr
    assert lock_of(second).read_bytes() == locked
    # The same user's store already has it: no build at all.
    done = ok(act(sandbox, ["--", "hello"], cwd=second))
    assert BUILD_STEP not in done.stderr and RESOLVE_STEP not in done.stderr, done.stderr
    assert done.stdout == "hello-tool 2.0\n"


def test_the_lock_is_reused_until_its_entries_change(project: Sandbox) -> None:
    project.write_manifest(manifest('hello.pip = "hello-tool>=1"'))
    ok(act(project, ["--", "hello"]))
    lock = lock_of(project.project)
    written = lock.read_bytes()
    stamp = lock.stat().st_mtime_ns
    make_wheel(
        project.project / "wheels",
        "hello-tool",
        "3.0",
        requires=["dep-lib>=1"],
        scripts={"hello": "hello_tool:main"},
    )
    # Another spelling of the same entry, another section changed: the lock stands.
    project.write_manifest(
        manifest('hello = { pip = "Hello_Tool >= 1" }', extra='[vars]\nX = "1"\n')
    )
    done = ok(act(project, ["--", "hello"]))
    assert done.stdout == "hello-tool 2.0\n"
    assert RESOLVE_STEP not in done.stderr and BUILD_STEP not in done.stderr, done.stderr
    assert lock.read_bytes() == written and lock.stat().st_mtime_ns == stamp
    # A changed entry: resolved again (now 3.0 is there), and only [pip] is rewritten.
    project.write_manifest(manifest('hello.pip = "hello-tool>=1"', 'other.pip = "other-tool"'))
    done = ok(act(project, ["--", "hello"]))
    assert done.stdout == "hello-tool 3.0\n"
    assert RESOLVE_STEP in done.stderr
    text = lock.read_text()
    head = written.decode().split("[pip]")[0]
    assert text.startswith(head), text
    names = {p["name"]: p["version"] for p in tomllib.loads(text)["pip"]["packages"]}
    assert names == {"hello-tool": "3.0", "dep-lib": "1.0", "other-tool": "1.0"}


# -- 5. failures -----------------------------------------------------------------------------


def test_an_unresolvable_requirement_fails_naming_its_entry_and_line(project: Sandbox) -> None:
    project.write_manifest(manifest('hello.pip = "hello-tool>=1"', 'no.pip = "nosuch>=1"'))
    for args in (["--", "hello"], ["--print", "--shell", "bash"], ["-c", "true"]):
        done = act(project, args)
        assert done.returncode == 5, done.stderr
        assert done.stdout == ""
        lines = done.stderr.splitlines()
        assert len(lines) <= 24, done.stderr  # one screen
        assert "Traceback" not in done.stderr
        assert "[install] no" in done.stderr
        assert f"{project.manifest}, line 4" in done.stderr
        assert '4 | no.pip = "nosuch>=1"' in done.stderr
        assert "nosuch was not found" in done.stderr  # uv's reason
        assert "hello-tool 2.0" not in done.stderr
    assert not lock_of(project.project).exists()
    assert folders(project) == [] and leftovers(project) == []


def test_the_entry_named_is_the_one_uv_blames_not_one_with_a_prefix_of_its_name(
    project: Sandbox,
) -> None:
    project.write_manifest(manifest('hello.pip = "hello-tool>=1"', 'ext.pip = "hello-tool-ext"'))
    done = act(project, ["--", "true"])
    assert done.returncode == 5, done.stderr
    assert "[install] ext)" in done.stderr and f"{project.manifest}, line 4" in done.stderr


def test_a_build_that_fails_leaves_nothing_in_the_store(project: Sandbox) -> None:
    project.write_manifest(manifest('hello.pip = "hello-tool>=1"'))
    ok(act(project, ["--", "hello"]))
    # The wheel changed after it was locked: the build must refuse it.
    make_wheel(
        project.project / "wheels",
        "hello-tool",
        "2.0",
        says="tampered",
        scripts={"hello": "hello_tool:main"},
    )
    cache = another_user(project, "cache2")
    done = act(project, ["--", "hello"], env=cache)
    assert done.returncode == 5, done.stderr
    assert done.stdout == ""
    assert "hash" in done.stderr.lower(), done.stderr
    assert len(done.stderr.splitlines()) <= 24
    assert folders(project, project.root / "cache2") == []
    assert leftovers(project, project.root / "cache2") == []


def test_a_bad_spec_fails_when_the_manifest_is_read(project: Sandbox) -> None:
    project.write_manifest(manifest('hello.pip = "hello tool>="'))
    for args in (["--", "true"], ["--print", "--shell", "bash"]):
        done = act(project, args)
        assert done.returncode == 3, done.stderr
        assert done.stdout == ""
        assert "hello.pip is not a PEP 508 requirement" in done.stderr
        assert f"{project.manifest}, line 3" in done.stderr
        assert RESOLVE_STEP not in done.stderr
    assert not store(project).exists()


@pytest.mark.parametrize(
    ("text", "line", "words"),
    [
        (manifest('hello.pipp = "hello-tool"'), 3, ["unknown key 'pipp'", "hello.pip?"]),
        (
            manifest('hello = { pip = "hello-tool", conda = "hello" }'),
            3,
            ["exactly one way, not pip and conda"],
        ),
        (
            manifest('hello.pip = "hello-tool"', 'hello.version = "1"'),
            4,
            ["hello.version is for pkg-path entries"],
        ),
        (
            manifest('hello.pip = "hello-tool"')
            + '[plugins.activate.install]\nhello.pip = "other-tool"\n',
            8,
            ["hello is defined twice", "[install] and [plugins.activate.install]"],
        ),
        (
            manifest(
                'hello.pip = "hello-tool"', options="[options]\nactivate.pip.find_links = []\n"
            ),
            5,
            ["unknown option pip.find_links", "pip.find-links?"],
        ),
    ],
    ids=["unknown-key", "two-sources", "version-key", "defined-twice", "unknown-option"],
)
def test_a_wrong_entry_is_an_error_naming_its_line(
    project: Sandbox, text: str, line: int, words: list[str]
) -> None:
    project.write_manifest(text)
    done = act(project, ["--", "true"])
    assert done.returncode == 3, done.stderr
    assert done.stdout == ""
    assert f"{project.manifest}, line {line}" in done.stderr, done.stderr
    for w in words:
        assert w in done.stderr, done.stderr
    assert not store(project).exists()


def test_plugins_activate_tables_work_like_install_and_options(project: Sandbox) -> None:
    project.write_manifest(
        "version = 1\n"
        "[plugins.activate.install]\n"
        'hello.pip = "hello-tool>=1"\n'
        "[plugins.activate.options]\n"
        'pip.find-links = ["wheels"]\n'
        "pip.no-index = true\n"
    )
    done = ok(act(project, ["--mode", "run", "--", "hello"]))
    assert done.stdout == "hello-tool 2.0\n"
    assert "not supported" not in done.stderr and "plugins" not in done.stderr, done.stderr
    assert "pip" in tomllib.loads(lock_of(project.project).read_text())


# -- 6. faults -------------------------------------------------------------------------------


class HeldWheel:
    """A wheel replaced by a FIFO: whoever reads it waits until `release()`.
    A build reading it is held in `uv pip install`, as long as the test wants."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.data = path.read_bytes()
        path.unlink()
        os.mkfifo(path)

    def release(self) -> None:
        """Hand the wheel to the reader waiting on the FIFO."""

        def feed() -> None:
            with open(self.path, "wb") as f:
                f.write(self.data)

        writer = threading.Thread(target=feed, daemon=True)
        writer.start()
        writer.join(timeout=30)
        assert not writer.is_alive(), "nothing read the held wheel"

    def restore(self) -> None:
        """Put the wheel back as a plain file."""
        self.path.unlink()
        self.path.write_bytes(self.data)


def installing(sandbox: Sandbox) -> list[int]:
    """The `uv pip install` processes of this sandbox (builds in progress)."""
    return sandbox_processes(sandbox, b"pip\0install")


def locked_project(sandbox: Sandbox) -> HeldWheel:
    """The project resolved and locked (in a cache of its own, so that the
    user's store is empty), its hello-tool wheel held: the next build waits."""
    sandbox.write_manifest(manifest('hello.pip = "hello-tool>=1"'))
    ok(act(sandbox, ["--", "hello"], env=another_user(sandbox, "cache-locking")))
    return HeldWheel(sandbox.project / "wheels" / "hello_tool-2.0-py3-none-any.whl")


class Started:
    """activate started in a session of its own (as a terminal's foreground
    job), its stdout and stderr read as they come."""

    def __init__(self, sandbox: Sandbox, args: list[str], cwd: Path | None = None) -> None:
        self.process = subprocess.Popen(
            [*OFFLINE, ACTIVATE, *args],
            cwd=cwd or sandbox.project,
            env=sandbox.env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            start_new_session=True,
        )
        self.pid = self.process.pid
        self.out: list[str] = []
        self.err: list[str] = []
        self.readers = [
            threading.Thread(target=self._read, args=(stream, into), daemon=True)
            for stream, into in ((self.process.stdout, self.out), (self.process.stderr, self.err))
        ]
        for reader in self.readers:
            reader.start()

    @staticmethod
    def _read(stream: object, into: list[str]) -> None:
        for line in stream:  # type: ignore[attr-defined]
            into.append(line)

    @property
    def stderr(self) -> str:
        return "".join(self.err)

    @property
    def stdout(self) -> str:
        return "".join(self.out)

    def wait(self, timeout: float = 60) -> int:
        """Its exit status, once it ended and its output is read."""
        status = self.process.wait(timeout=timeout)
        for reader in self.readers:
            reader.join(timeout=10)
        return status

    def kill(self) -> None:
        """Stop it if it still runs (cleanup)."""
        if self.process.poll() is None:
            self.process.kill()
        self.wait()


def test_a_build_killed_midway_is_never_taken_for_complete(project: Sandbox) -> None:
    held = locked_project(project)
    build = Started(project, ["--", "hello"])
    try:
        wait_until(lambda: installing(project), timeout=60)
        os.kill(build.pid, signal.SIGKILL)  # kill -9 in the middle of `uv pip install`
        build.wait()
        # Its uv does not go on writing into the store for a dead activate.
        wait_until(lambda: not installing(project), timeout=10)
    finally:
        build.kill()
        held.restore()
    assert complete(project) == []
    assert folders(project) == [], "a folder in a key's place without a marker"
    done = ok(act(project, ["--", "hello"]))
    assert done.stdout == "hello-tool 2.0\n"
    assert BUILD_STEP in done.stderr
    assert len(complete(project)) == 1 and leftovers(project) == []


def test_a_build_interrupted_with_ctrl_c_exits_130_and_leaves_nothing(project: Sandbox) -> None:
    held = locked_project(project)
    build = Started(project, ["--", "hello"])
    try:
        wait_until(lambda: installing(project), timeout=60)
        os.killpg(build.pid, signal.SIGINT)  # what Ctrl-C at a terminal sends
        status = build.wait()
        wait_until(lambda: not installing(project), timeout=10)
    finally:
        build.kill()
        held.restore()
    assert status == 130, build.stderr
    assert build.stdout == "" and "interrupted" in build.stderr, build.stderr
    assert "Traceback" not in build.stderr, build.stderr
    assert folders(project) == [] and leftovers(project) == []
    done = ok(act(project, ["--", "hello"]))
    assert done.stdout == "hello-tool 2.0\n" and BUILD_STEP in done.stderr
    assert len(complete(project)) == 1 and leftovers(project) == []


def test_a_waiting_activation_builds_itself_when_the_builder_is_killed(project: Sandbox) -> None:
    held = locked_project(project)
    second = new_project(project.root / "second", 'hello.pip = "hello-tool>=1"')
    lock_of(second).write_bytes(lock_of(project.project).read_bytes())
    builder = Started(project, ["--", "hello"])
    waiter: Started | None = None
    try:
        wait_until(lambda: installing(project), timeout=60)
        waiter = Started(project, ["--", "hello"], cwd=second)  # once the build holds the lock
        wait_until(lambda: WAITING in waiter.stderr, timeout=60)
        os.kill(builder.pid, signal.SIGKILL)
        builder.wait()
        assert waiter.wait(timeout=120) == 0, waiter.stderr
    finally:
        builder.kill()
        if waiter is not None:
            waiter.kill()
        held.restore()
    assert waiter.stdout == "hello-tool 2.0\n"
    assert BUILD_STEP in waiter.stderr
    assert len(complete(project)) == 1 and leftovers(project) == []


def test_eight_projects_with_the_same_set_build_it_once(project: Sandbox) -> None:
    """Eight activations at once, each of its own project: one builds (held in
    `uv pip install` until all the others wait), the others say they wait."""
    locked_project(project).restore()
    lock = lock_of(project.project).read_bytes()
    held: dict[str, HeldWheel] = {}
    projects = []
    for i in range(8):
        p = new_project(project.root / f"p{i}", 'hello.pip = "hello-tool>=1"')
        lock_of(p).write_bytes(lock)  # committed: no resolution, only the build
        held[os.path.realpath(p)] = HeldWheel(p / "wheels" / "hello_tool-2.0-py3-none-any.whl")
        projects.append(p)
    runs = [Started(project, ["--", "hello"], cwd=p) for p in projects]
    try:
        wait_until(lambda: installing(project), timeout=60)
        wait_until(lambda: sum(WAITING in r.stderr for r in runs) == 7, timeout=60)
        [builder] = installing(project)
        held[os.readlink(f"/proc/{builder}/cwd")].release()
        statuses = [r.wait(timeout=120) for r in runs]
    finally:
        for r in runs:
            r.kill()
    errs = [r.stderr for r in runs]
    assert statuses == [0] * 8, errs
    assert [r.stdout for r in runs] == ["hello-tool 2.0\n"] * 8
    assert sum(e.count(BUILD_STEP) for e in errs) == 1, errs
    assert sum(WAITING in e for e in errs) == 7, errs
    assert len(complete(project)) == 1 and leftovers(project) == []


@needs_mounts
@pytest.mark.parametrize("committed", [False, True], ids=["no-lock", "committed-lock"])
def test_a_read_only_project_still_activates(project: Sandbox, committed: bool) -> None:
    project.write_manifest(manifest('hello.pip = "hello-tool>=1"'))
    if committed:
        ok(act(project, ["--", "true"], env=another_user(project, "cache-locking")))
        shutil.rmtree(project.project / ".flox" / "run")
        shutil.rmtree(project.project / ".flox" / "cache")
    before = sorted(str(p) for p in project.project.rglob("*"))
    p = shlex.quote(str(project.project))
    script = (
        f"mount --bind {p} {p} && mount -o remount,bind,ro {p} && "
        f"cd {p} && exec {shlex.quote(ACTIVATE)} -- hello"
    )
    done = subprocess.run(
        ["unshare", "-rm", *(["-n"] if OFFLINE else []), "sh", "-c", script],
        env=project.env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout == "hello-tool 2.0\n"
    said_lock = "cannot write the lock" in done.stderr and "not kept" in done.stderr
    assert said_lock != committed, done.stderr
    assert sorted(str(p) for p in project.project.rglob("*")) == before


# -- 7. immutability -------------------------------------------------------------------------


def test_a_built_folder_has_no_write_bits(project: Sandbox) -> None:
    project.write_manifest(manifest('hello.pip = "hello-tool>=1"'))
    ok(act(project, ["--", "hello"]))
    [built] = complete(project)
    writable = [
        str(p)
        for p in [built, *built.rglob("*")]
        if not p.is_symlink() and p.lstat().st_mode & 0o222
    ]
    assert writable == []


def test_a_build_shares_no_file_with_the_users_own_venvs(project: Sandbox) -> None:
    """uv's cache is the user's too: a venv of their own installing the same
    wheel keeps its files writable, and editing one changes only theirs."""
    project.write_manifest(manifest('hello.pip = "hello-tool>=1"'))
    ok(act(project, ["--", "hello"]))
    [built] = complete(project)
    own = project.root / "own"
    into = ["--python", str(own / "bin" / "python"), "--no-index", "--find-links", "wheels"]
    for argv in (
        ["uv", "venv", "--quiet", str(own)],
        ["uv", "pip", "install", "--quiet", *into, "hello-tool==2.0"],
    ):
        done = subprocess.run(argv, cwd=project.project, env=project.env, capture_output=True)
        assert done.returncode == 0, done.stderr
    [mine] = own.glob("lib/python*/site-packages/hello_tool/__init__.py")
    assert mine.stat().st_mode & 0o200, "the user's own venv lost its write bits"
    with open(mine, "a") as f:  # an edit in place, as an editor may do
        f.write("\ndef main() -> None:\n    print('edited')\n")
    assert subprocess.run([own / "bin" / "hello"], capture_output=True, text=True).stdout == (
        "edited\n"
    )
    assert ok(act(project, ["--", "hello"])).stdout == "hello-tool 2.0\n"
    [theirs] = built.glob("lib/python*/site-packages/hello_tool/__init__.py")
    assert theirs.stat().st_nlink == 1


@pytest.fixture
def other_user() -> Iterator[tuple[Sandbox, list[str]]]:
    """A sandbox for a user whom permission bits bind: `nobody` when the tests
    run as root (with the argv prefix that runs a command as nobody), else the
    current user."""
    if os.getuid() != 0:
        root = Path(tempfile.mkdtemp(prefix="activate-user-"))
        yield make_sandbox(root), []
    else:
        if not _can(
            ["setpriv", "--reuid", "nobody", "--regid", "nogroup", "--clear-groups", "true"]
        ):
            pytest.skip("needs setpriv and the user nobody")
        root = Path(tempfile.mkdtemp(prefix="activate-nobody-"))
        root.chmod(0o755)
        sandbox = make_sandbox(root)
        for path in [root, *root.rglob("*")]:
            os.lchown(path, 65534, 65534)
        prefix = ["setpriv", "--reuid", "nobody", "--regid", "nogroup", "--clear-groups"]
        yield sandbox, prefix
    stop_leftovers(root)
    for here, dirs, _ in os.walk(root):  # the store's folders have no write bits
        for d in dirs:
            if not os.path.islink(os.path.join(here, d)):
                os.chmod(os.path.join(here, d), 0o700)
    shutil.rmtree(root, ignore_errors=True)


def test_a_user_cannot_change_a_built_environment(other_user: tuple[Sandbox, list[str]]) -> None:
    sandbox, as_user = other_user
    standard_set(sandbox.project / "wheels")
    sandbox.write_manifest(manifest('hello.pip = "hello-tool>=1"'))

    def run(*argv: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [*OFFLINE, *as_user, ACTIVATE, "--", *argv],
            cwd=sandbox.project,
            env=sandbox.env,
            capture_output=True,
            text=True,
            timeout=120,
        )

    assert ok(run("hello")).stdout == "hello-tool 2.0\n"
    [built] = complete(sandbox)

    def contents() -> dict[str, tuple[int, str]]:
        return {
            str(p.relative_to(built)): (p.lstat().st_mode, sha256(p) if p.is_file() else "")
            for p in built.rglob("*")
            if not p.is_symlink()
        }

    before = contents()
    site = run("python", "-c", "import site; print(site.getsitepackages()[0])").stdout.strip()
    assert site.startswith(str(built)), site
    other = ["--no-index", "--find-links", "wheels", "other-tool"]
    attempts = {
        "uv": run("uv", "pip", "install", "--python", "python", *other),
        "pip": run("python", "-m", "pip", "install", *other),
        "write": run("python", "-c", f"open({site + '/planted.py'!r}, 'w').write('x = 1')"),
        "remove": run(
            "python", "-c", f"import os; os.unlink({site + '/hello_tool/__init__.py'!r})"
        ),
    }
    for name, done in attempts.items():
        assert done.returncode != 0, (name, done.stdout, done.stderr)
    assert "ermission denied" in attempts["uv"].stderr, attempts["uv"].stderr
    assert "PermissionError" in attempts["write"].stderr
    assert run("python", "-c", "import other_tool").returncode != 0
    assert contents() == before
    assert ok(run("hello")).stdout == "hello-tool 2.0\n"


# -- 8. no network ---------------------------------------------------------------------------


@pytest.mark.skipif(not OFFLINE, reason="needs unshare -n (root)")
def test_the_activations_here_run_without_a_network(project: Sandbox) -> None:
    """`unshare -n` leaves only a loopback that is down: nothing can be fetched."""
    probe = "import socket; socket.create_connection(('192.0.2.1', 80), timeout=2)"
    done = subprocess.run([*OFFLINE, sys.executable, "-c", probe], capture_output=True, text=True)
    assert done.returncode != 0 and "unreachable" in done.stderr, done.stderr
    project.write_manifest(manifest('hello.pip = "hello-tool>=1"'))
    assert ok(act(project, ["--", "hello"])).stdout == "hello-tool 2.0\n"


# -- 9. values -------------------------------------------------------------------------------


def test_print_writes_only_shell_code_while_a_build_says_its_steps_on_stderr(
    project: Sandbox,
) -> None:
    project.write_manifest(manifest('hello.pip = "hello-tool>=1"'))
    building = ok(act(project, ["--print", "--shell", "bash"]))
    assert RESOLVE_STEP in building.stderr and BUILD_STEP in building.stderr
    steps = [line for line in building.stderr.splitlines() if line.startswith("activate: ")]
    assert steps and all(len(line) < 100 for line in steps), building.stderr
    built = ok(act(project, ["--print", "--shell", "bash"]))
    assert built.stdout == building.stdout
    assert "resolving" not in building.stdout and "installing" not in building.stdout
    code = building.stdout
    done = project.shell("bash", code + "\nhello; command -v python; command -v activate")
    assert done.returncode == 0, done.stderr
    hello, python, tool = done.stdout.splitlines()
    assert hello == "hello-tool 2.0"
    assert python.endswith("/bin/python") and tool == ACTIVATE
