"""Read-only and full places: the project, the manifest, the state folder.

Issue 8's three faults a new user meets:

1. a manifest that cannot be written (a read-only project, a read-only
   manifest file, a full disk): `vars set` and `edit` say so, naming the
   file, exit 1, and leave the manifest and its folder as they were (`edit`
   before the editor opens);
2. a state folder that became read-only after first use: activation goes on
   in a private fallback (`$TMPDIR/activate-<uid>`), saying so once when an
   activation starts; `status` still works;
3. commands that only read (`status`, help, `completion`, `vars list`) write
   no state, not even the state folder itself.

Read-only folders are read-only mounts inside `unshare -rm` (root ignores
permission bits, a read-only mount it cannot); a full disk is a 16k tmpfs.
"""

from __future__ import annotations

import os
import shlex
import stat
import subprocess
from pathlib import Path

import pytest

from conftest import ACTIVATE, Sandbox, wait_until


def _can_unshare() -> bool:
    try:
        return subprocess.run(["unshare", "-rm", "true"], capture_output=True).returncode == 0
    except FileNotFoundError:
        return False


needs_mounts = pytest.mark.skipif(
    not _can_unshare(), reason="needs unshare -rm for read-only and tmpfs mounts"
)

MANIFEST = 'version = 1\n\n# the project\'s settings\n[vars]\nX = "1"\n'


def read_only(path: Path) -> str:
    """Shell code that makes `path` (a folder or a file) a read-only mount."""
    p = shlex.quote(str(path))
    return f"mount --bind {p} {p} && mount -o remount,bind,ro {p}"


def full_disk(folder: Path) -> str:
    """Shell code that puts `folder`'s files on a 16k tmpfs, then fills it."""
    f = shlex.quote(str(folder))
    return (
        f"tar -C {f} -cf /tmp/.keep-$$ . && mount -t tmpfs -o size=16k tmpfs {f} && "
        f"tar -C {f} -xf /tmp/.keep-$$ && rm /tmp/.keep-$$ && "
        f"{{ dd if=/dev/zero of={f}/filler bs=1024 2>/dev/null || true; }}"
    )


class Runs:
    """Commands run inside one mount namespace: stdout, stderr and status of each."""

    def __init__(self, sandbox: Sandbox) -> None:
        self.sandbox = sandbox
        self.out = sandbox.root / "out"
        self.out.mkdir(exist_ok=True)

    def run(self, setup: str, commands: dict[str, str], env: dict[str, str] | None = None) -> None:
        """Run `setup` (mounts), then each command with its output saved; the
        commands run in the project folder, with `A` the installed activate."""
        lines = [f"set -e; {setup}; set +e", f"A={shlex.quote(ACTIVATE)}"]
        lines.append(f"cd {shlex.quote(str(self.sandbox.project))}")
        for name, command in commands.items():
            o = shlex.quote(str(self.out / name))
            lines.append(f"( {command} ) >{o}.out 2>{o}.err </dev/null; echo $? >{o}.rc")
        done = subprocess.run(
            ["unshare", "-rm", "sh", "-c", "\n".join(lines)],
            env=env if env is not None else self.sandbox.env,
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert done.returncode == 0, (done.returncode, done.stdout, done.stderr)

    def __getitem__(self, name: str) -> tuple[int, str, str]:
        """(status, stdout, stderr) of command `name`."""
        rc = int((self.out / f"{name}.rc").read_text())
        return rc, (self.out / f"{name}.out").read_text(), (self.out / f"{name}.err").read_text()


def listing(folder: Path) -> dict[str, bytes]:
    """Every file under `folder` with its content."""
    return {str(p.relative_to(folder)): p.read_bytes() for p in folder.rglob("*") if p.is_file()}


def no_bug(stderr: str) -> None:
    assert "internal error" not in stderr and "Traceback" not in stderr, stderr
    assert "hint:" in stderr and len(stderr.splitlines()) <= 6, stderr


def editor_script(sandbox: Sandbox) -> tuple[str, Path]:
    """An editor that records that it ran (in a file outside the project)."""
    marker = sandbox.root / "editor-ran"
    script = sandbox.root / "editor"
    script.write_text(
        f'#!/bin/sh\necho "$1" >> {shlex.quote(str(marker))}\necho "# edited" >> "$1"\n'
    )
    script.chmod(0o755)
    return str(script), marker


# -- 1. a manifest that cannot be written --------------------------------------


@needs_mounts
def test_a_read_only_project_refuses_vars_and_edit_naming_the_manifest(sandbox: Sandbox) -> None:
    manifest = sandbox.write_manifest(MANIFEST)
    folder = manifest.parent
    before = listing(sandbox.project)
    editor, marker = editor_script(sandbox)
    runs = Runs(sandbox)
    runs.run(
        read_only(sandbox.project),
        {
            "set": '"$A" vars set Y 1',
            "unset": '"$A" vars unset X',
            "edit": '"$A" edit',
            "list": '"$A" vars list',
        },
        env={**sandbox.env, "EDITOR": editor},
    )
    for name in ("set", "unset", "edit"):
        rc, out, err = runs[name]
        assert (rc, out) == (1, ""), (name, err)
        no_bug(err)
        assert err.startswith(
            f"activate: error: cannot write the manifest {manifest}: "
            f"its folder {folder} is on a read-only file system\n"
        ), err
        assert "the manifest is unchanged" in err
        assert "hint: remount that file system read-write" in err
    assert runs["list"] == (0, 'X = "1"\n', "")
    assert not marker.exists()  # the editor never opened: no edit was lost
    assert listing(sandbox.project) == before


@needs_mounts
def test_a_read_only_manifest_in_a_writable_folder_is_refused_and_leaves_no_file(
    sandbox: Sandbox,
) -> None:
    manifest = sandbox.write_manifest(MANIFEST)
    before = listing(sandbox.project)
    editor, marker = editor_script(sandbox)
    runs = Runs(sandbox)
    runs.run(
        read_only(manifest),
        {"set": '"$A" vars set Y 1', "edit": '"$A" edit'},
        env={**sandbox.env, "EDITOR": editor},
    )
    for name in ("set", "edit"):
        rc, out, err = runs[name]
        assert (rc, out) == (1, ""), (name, err)
        no_bug(err)
        assert err.startswith(
            f"activate: error: cannot write the manifest {manifest}: "
            "it is on a read-only file system\n"
        ), err
    assert not marker.exists()
    assert listing(sandbox.project) == before  # no temporary file, no copy left


@needs_mounts
def test_a_full_disk_leaves_the_manifest_whole_and_no_file_behind(sandbox: Sandbox) -> None:
    manifest = sandbox.write_manifest(MANIFEST)
    folder = manifest.parent
    editor, marker = editor_script(sandbox)
    runs = Runs(sandbox)
    ls = f"ls -A {shlex.quote(str(folder))}"
    runs.run(
        full_disk(folder),
        {
            "set": '"$A" vars set Y "$(head -c 6000 /dev/zero | tr "\\0" y)"',
            "edit": '"$A" edit',
            "manifest": f"cat {shlex.quote(str(manifest))}",
            "ls": ls,
        },
        env={**sandbox.env, "EDITOR": editor},
    )
    for name in ("set", "edit"):
        rc, out, err = runs[name]
        assert (rc, out) == (1, ""), (name, err)
        no_bug(err)
        assert err.startswith(
            f"activate: error: cannot write the manifest {manifest}: No space left on device\n"
        ), err
        assert f"hint: free some space on the disk that holds {folder}" in err
    assert not marker.exists()
    assert runs["manifest"][1] == MANIFEST
    assert runs["ls"][1].split() == ["filler", "manifest.toml"]


@needs_mounts
def test_an_edit_that_cannot_be_saved_is_kept_and_named(sandbox: Sandbox) -> None:
    manifest = sandbox.write_manifest(MANIFEST)
    folder = shlex.quote(str(manifest.parent))
    editor = sandbox.root / "editor"  # edits, then the folder turns read-only under it
    editor.write_text(f'#!/bin/sh\necho "# edited" >> "$1"\nmount -o remount,bind,ro {folder}\n')
    editor.chmod(0o755)
    runs = Runs(sandbox)
    runs.run(
        f"mount --bind {folder} {folder}",
        {"edit": '"$A" edit'},
        env={**sandbox.env, "EDITOR": str(editor)},
    )
    rc, out, err = runs["edit"]
    assert (rc, out) == (1, ""), err
    no_bug(err)
    copy = manifest.parent / ".manifest.toml.edit.toml"
    assert err.startswith(
        f"activate: error: cannot write the manifest {manifest}: "
        f"its folder {manifest.parent} is on a read-only file system\n"
    ), err
    assert f"your edit is kept in {copy}" in err
    assert manifest.read_text() == MANIFEST
    assert copy.read_text() == MANIFEST + "# edited\n"


@pytest.mark.skipif(
    os.getuid() == 0, reason="root ignores permission bits (the mounts above cover root)"
)
def test_a_manifest_without_write_permission_is_refused(sandbox: Sandbox) -> None:
    manifest = sandbox.write_manifest(MANIFEST)
    folder = manifest.parent
    editor, marker = editor_script(sandbox)
    for target, where, fix in (
        (manifest, "it", manifest),
        (folder, f"its folder {folder}", folder),
    ):
        mode = target.stat().st_mode
        target.chmod(mode & ~0o222)
        try:
            for args in (["vars", "set", "Y", "1"], ["edit"]):
                result = sandbox.run(args, env={"EDITOR": editor})
                assert (result.returncode, result.stdout) == (1, ""), result.stderr
                assert result.stderr.startswith(
                    f"activate: error: cannot write the manifest {manifest}: "
                    f"{where} is not writable (Permission denied)\n"
                ), result.stderr
                assert f"hint: make it writable (chmod u+w {fix})" in result.stderr
        finally:
            target.chmod(mode)
    assert not marker.exists()
    assert manifest.read_text() == MANIFEST
    assert sorted(os.listdir(folder)) == ["manifest.toml"]


def test_vars_set_keeps_the_manifests_mode(sandbox: Sandbox) -> None:
    manifest = sandbox.write_manifest(MANIFEST)
    manifest.chmod(0o640)
    result = sandbox.run(["vars", "set", "Y", "2"])
    assert result.returncode == 0, result.stderr
    assert stat.S_IMODE(manifest.stat().st_mode) == 0o640
    assert manifest.read_text().endswith('Y = "2"\n')
    assert sorted(os.listdir(manifest.parent)) == ["manifest.toml"]


# -- 2. a state folder that cannot be written ----------------------------------


def _no_runtime(sandbox: Sandbox) -> dict[str, str]:
    """Make the sandbox's environment one without XDG_RUNTIME_DIR (the state is
    in the cache) and with a TMPDIR of its own (where the fallback goes); return it.
    (Processes left running are then the test's to stop: stop_leftovers finds
    them by XDG_RUNTIME_DIR.)"""
    tmp = sandbox.root / "tmp"
    tmp.mkdir(exist_ok=True)
    env = {k: v for k, v in sandbox.env.items() if k != "XDG_RUNTIME_DIR"}
    sandbox.env = {**env, "TMPDIR": str(tmp)}
    return sandbox.env


def _note(sandbox: Sandbox) -> str:
    cache = sandbox.root / "cache" / "activate" / "run"
    return (
        f"activate: cannot write the state folder {cache} (Read-only file system); "
        f"using {sandbox.root / 'tmp'}/activate-0 instead "
        "(set XDG_RUNTIME_DIR or XDG_CACHE_HOME to a writable folder of yours to choose)\n"
    )


@needs_mounts
def test_a_read_only_cache_after_first_use_falls_back_and_says_so_once(sandbox: Sandbox) -> None:
    sandbox.write_manifest('version = 1\n[hook]\non-activate = "export H=hooked"\n')
    bare = sandbox.root / "tools.toml"
    bare.write_text('version = 1\n[vars]\nB = "bare"\n')
    env = _no_runtime(sandbox)
    for args in (["--", "true"], ["-f", str(bare), "--", "true"], ["status"]):
        first = sandbox.run(args, env=env)
        assert first.returncode == 0, first.stderr
    cache = sandbox.root / "cache"
    ready = sandbox.root / "holder"  # the holder's pid, once it runs
    runs = Runs(sandbox)
    runs.run(
        read_only(cache),
        {
            "start": '"$A" -- printenv H',
            "bare": f'"$A" -f {shlex.quote(str(bare))} -- printenv B',
            "hold": f'"$A" -- sh -c "echo \\$\\$ > {ready}; exec sleep 30" & '
            f"for i in $(seq 200); do [ -s {ready} ] && break; sleep 0.05; done",
            "attach": '"$A" -- printenv H',
            "print": 'eval "$("$A" --print --shell bash)" && printenv H && deactivate && '
            'echo "${H:-gone}"',
            "status": '"$A" status',
            "json": '"$A" status --json',
            "stop": f"kill $(cat {ready})",
        },
        env=env,
    )
    assert runs["start"] == (0, "hooked\n", _note(sandbox))
    assert runs["bare"] == (0, "bare\n", _note(sandbox))
    assert runs["hold"][0] == 0
    assert runs["attach"] == (0, "hooked\n", "")  # attaching says nothing
    assert runs["print"] == (0, "hooked\ngone\n", ""), runs["print"]
    rc, out, err = runs["status"]
    assert (rc, err) == (0, "")
    assert "dev: ready" in out and "sleep" in out, out
    assert '"state": "ready"' in runs["json"][1]
    fallback = sandbox.root / "tmp" / "activate-0"
    st = fallback.lstat()
    assert stat.S_ISDIR(st.st_mode) and stat.S_IMODE(st.st_mode) == 0o700
    assert st.st_uid == os.getuid()


@needs_mounts
def test_a_read_only_cache_before_first_use_falls_back_too(sandbox: Sandbox) -> None:
    sandbox.write_manifest('version = 1\n[vars]\nV = "v"\n')
    cache = sandbox.root / "cache"
    cache.mkdir()
    runs = Runs(sandbox)
    runs.run(read_only(cache), {"run": '"$A" -- printenv V'}, env=_no_runtime(sandbox))
    assert runs["run"] == (0, "v\n", _note(sandbox))  # the cache could not be created


@needs_mounts
def test_no_writable_state_folder_at_all_is_a_one_screen_error(sandbox: Sandbox) -> None:
    sandbox.write_manifest('version = 1\n[vars]\nV = "v"\n')
    env = _no_runtime(sandbox)
    cache = sandbox.root / "cache"
    (cache / "tmp").mkdir(parents=True)
    env["TMPDIR"] = str(cache / "tmp")  # the fallback is read-only too
    runs = Runs(sandbox)
    runs.run(read_only(cache), {"print": '"$A" --print --shell bash'}, env=env)
    rc, out, err = runs["print"]
    assert (rc, out) == (1, "")
    no_bug(err)
    assert err.startswith(
        f"activate: error: cannot write the state folder {cache}/activate/run (Read-only file "
        f"system), nor the fallback {cache}/tmp/activate-0 (Read-only file system)\n"
    ), err
    assert "hint: set XDG_RUNTIME_DIR or XDG_CACHE_HOME to a writable folder of yours" in err


@needs_mounts
def test_a_symlink_planted_at_the_fallback_is_refused(sandbox: Sandbox) -> None:
    sandbox.write_manifest('version = 1\n[vars]\nV = "v"\n')
    env = _no_runtime(sandbox)
    elsewhere = sandbox.root / "attacker"
    elsewhere.mkdir()
    (sandbox.root / "tmp" / "activate-0").symlink_to(elsewhere)
    (sandbox.root / "cache").mkdir()
    runs = Runs(sandbox)
    runs.run(read_only(sandbox.root / "cache"), {"run": '"$A" -- true'}, env=env)
    rc, _, err = runs["run"]
    assert rc == 1
    no_bug(err)
    assert "is not a directory (a symlink" in err and "cannot be written" in err, err
    assert list(elsewhere.iterdir()) == []


@needs_mounts
def test_a_full_state_disk_names_the_file_and_leaves_no_half_written_file(
    sandbox: Sandbox,
) -> None:
    sandbox.write_manifest('version = 1\n[hook]\non-activate = "export H=1"\n')
    runtime = sandbox.root / "runtime"
    runs = Runs(sandbox)
    runs.run(
        full_disk(runtime),
        {"print": '"$A" --print --shell bash', "files": f"find {runtime} -type f"},
    )
    rc, out, err = runs["print"]
    assert (rc, out) == (1, ""), err
    no_bug(err)
    assert err.startswith(f"activate: error: cannot write or read {runtime}/activate/"), err
    assert ": No space left on device\n" in err
    assert runs["files"][1] == f"{runtime}/filler\n"  # no temporary file, no record


# -- 3. reading commands write no state ------------------------------------------

READERS = [
    ["status"],
    ["status", "--json"],
    ["--help"],
    ["help"],
    ["help", "vars"],
    ["status", "--help"],
    ["completion", "bash"],
    ["vars", "list"],
    ["--version"],
]


def snapshot(*folders: Path) -> dict[str, tuple[int, int, bytes]]:
    """Every path under `folders` (and the folders): mode, mtime, content."""
    out: dict[str, tuple[int, int, bytes]] = {}
    for folder in folders:
        if not folder.exists():
            continue
        for p in [folder, *folder.rglob("*")]:
            st = p.lstat()
            data = p.read_bytes() if stat.S_ISREG(st.st_mode) else b""
            out[str(p)] = (st.st_mode, st.st_mtime_ns, data)
    return out


@pytest.mark.parametrize("runtime", [True, False], ids=["runtime-dir", "cache"])
def test_reading_commands_change_no_state_with_dead_holders(
    sandbox: Sandbox, runtime: bool
) -> None:
    sandbox.write_manifest(MANIFEST)
    env = sandbox.env if runtime else _no_runtime(sandbox)
    holder = subprocess.Popen(
        [ACTIVATE, "--", "sleep", "60"],
        cwd=sandbox.project,
        env=env,
        stderr=subprocess.DEVNULL,
    )
    try:
        wait_until(lambda: any(p.name == "record" for p in sandbox.state_files()))
        assert sandbox.run(["--", "true"], env=env).returncode == 0  # leaves a dead holder
        holders = next(p for p in sandbox.state_files() if p.name == "record").parent / "holders"
        (holders / "999999999-t1").write_bytes(b"")
        assert len(list(holders.iterdir())) == 3
        folders = (sandbox.root / "runtime", sandbox.root / "cache", sandbox.root / "tmp")
        before = snapshot(*folders)
        for args in READERS:
            result = sandbox.run(args, env=env)
            assert result.returncode == 0, (args, result.stderr)
            assert snapshot(*folders) == before, args
        status = sandbox.run(["status", "--json"], env=env).stdout
        assert status.count('"pid":') == 1  # the live holder only
    finally:
        holder.kill()
        holder.wait()


@pytest.mark.parametrize("runtime", [True, False], ids=["runtime-dir", "cache"])
def test_reading_commands_create_no_state_folder(sandbox: Sandbox, runtime: bool) -> None:
    sandbox.write_manifest(MANIFEST)
    env = sandbox.env if runtime else _no_runtime(sandbox)
    for args in READERS:
        result = sandbox.run(args, env=env)
        assert result.returncode == 0, (args, result.stderr)
    assert list((sandbox.root / "runtime").iterdir()) == []
    assert not (sandbox.root / "cache").exists()
    tmp = sandbox.root / "tmp"
    assert not tmp.exists() or list(tmp.iterdir()) == []
