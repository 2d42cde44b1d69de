"""`[install]` conda entries, through the installed `activate`, with real py-rattler.

Every channel is made here (tests/condachannel.py): real `.tar.bz2` packages
and repodata in a local folder (or served over loopback HTTP, where a test
needs a download it can stop halfway). Where `unshare -n` works (root), the
activations run without a network, which proves nothing here needs one.
"""

from __future__ import annotations

import hashlib
import http.server
import json
import os
import shutil
import signal
import subprocess
import sys
import threading
import tomllib
from collections.abc import Iterator
from pathlib import Path

import pytest

from activator.packages import conda
from condachannel import PLACEHOLDER, Package, make_channel, program, this_subdir

from conftest import ACTIVATE, Sandbox, in_place, wait_until


def _can_unshare_net() -> bool:
    if shutil.which("unshare") is None:
        return False
    try:
        return subprocess.run(["unshare", "-n", "true"], capture_output=True).returncode == 0
    except OSError:
        return False


OFFLINE = ["unshare", "-n"] if _can_unshare_net() else []


def packages() -> list[Package]:
    """jqlike (noarch, the requested one) needs libfoo (this machine's subdir),
    which brings a program, headers, a library, pkg-config data and a file
    holding conda-build's prefix placeholder."""
    return [
        Package(
            "libfoo",
            "1.0",
            build="h0_0",
            files={
                "bin/footool": program("footool", "1.0"),
                "include/foo.h": "int foo(void);\n",
                "lib/libfoo.a": "not really an archive\n",
                "lib/pkgconfig/foo.pc": f"prefix={PLACEHOLDER}\nName: foo\nVersion: 1.0\n",
                "share/foo/where.txt": f"installed at {PLACEHOLDER}/share/foo\n",
            },
        ),
        Package(
            "jqlike",
            "1.6",
            depends=["libfoo >=1"],
            noarch=True,
            files={"bin/jqlike": program("jqlike", "1.6")},
        ),
        Package(
            "jqlike",
            "1.7.1",
            depends=["libfoo >=1"],
            noarch=True,
            files={"bin/jqlike": program("jqlike", "1.7.1")},
        ),
    ]


def manifest(entries: str, channel: str) -> str:
    return (
        f'version = 1\n[install]\n{entries}\n[options]\nactivate.conda.channels = ["{channel}"]\n'
    )


def run(
    sandbox: Sandbox,
    args: list[str],
    *,
    cwd: Path | None = None,
    offline: bool = True,
    env: dict[str, str] | None = None,
) -> subprocess.CompletedProcess[str]:
    """The installed activate with `args`, without a network where `unshare -n` works."""
    argv = [*(OFFLINE if offline else []), ACTIVATE, *args]
    return subprocess.run(
        argv,
        cwd=cwd or sandbox.project,
        env={**sandbox.env, **(env or {})},
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=120,
    )


def store(sandbox: Sandbox) -> Path:
    return sandbox.root / "cache" / "activate" / "packages"


def complete_envs(sandbox: Sandbox) -> list[Path]:
    """The store's folders that a run would take as complete (those with a marker)."""
    root = store(sandbox)
    if not root.exists():
        return []
    return sorted(p for p in root.iterdir() if p.is_dir() and (p / ".activate.json").exists())


def remove_tree(path: Path) -> None:
    """Remove a (read-only) store folder."""
    for here, dirs, _ in os.walk(path):
        os.chmod(here, 0o700)
        for d in dirs:
            os.chmod(os.path.join(here, d), 0o700)
    shutil.rmtree(path)


def sandbox_processes(sandbox: Sandbox) -> list[int]:
    """Processes (other than this one) started in the sandbox: those whose
    environment holds its XDG_RUNTIME_DIR."""
    mine = b"\0XDG_RUNTIME_DIR=" + str(sandbox.root / "runtime").encode() + b"\0"
    found = []
    for pid in os.listdir("/proc"):
        if not pid.isdigit() or int(pid) == os.getpid():
            continue
        try:
            with open(f"/proc/{pid}/environ", "rb") as f:
                if mine in b"\0" + f.read():
                    found.append(int(pid))
        except OSError:
            continue
    return found


@pytest.fixture
def project(sandbox: Sandbox) -> Sandbox:
    """A sandbox whose project has the channel in ./channel and asks for jqlike >=1.7."""
    make_channel(sandbox.project / "channel", packages())
    sandbox.write_manifest(manifest('jq.conda = "jqlike>=1.7"', "./channel"))
    return sandbox


# --- a program, the view, the prefix -----------------------------------------------------------


def test_a_conda_entrys_program_runs_and_the_lock_records_the_solution(project: Sandbox) -> None:
    result = run(project, ["--", "jqlike", "--version"])
    assert result.returncode == 0, result.stderr
    assert result.stdout == "jqlike 1.7.1\n"  # the highest version the spec allows
    steps = result.stderr.splitlines()
    assert "activate: solving 1 conda spec(s) with py-rattler" in steps
    assert "activate: installing 2 conda package(s)" in steps

    lock = tomllib.loads((project.manifest.parent / "activate.lock").read_text())
    section = lock["conda"]
    assert section["platform"] == this_subdir()
    assert section["channels"] == ["./channel"]
    by_name = {p["name"]: p for p in section["packages"]}
    assert list(by_name) == ["jqlike", "libfoo"]  # sorted: a diff-friendly table
    jq = by_name["jqlike"]
    archive = project.project / "channel" / "noarch" / "jqlike-1.7.1-0.tar.bz2"
    assert jq["version"] == "1.7.1" and jq["build"] == "0" and jq["subdir"] == "noarch"
    assert jq["noarch"] == "generic"
    # A channel inside the project is locked by a path relative to it: a
    # committed lock works in every checkout.
    assert jq["path"] == "channel/noarch/jqlike-1.7.1-0.tar.bz2" and "url" not in jq
    assert jq["sha256"] == hashlib.sha256(archive.read_bytes()).hexdigest()
    assert jq["md5"] == hashlib.md5(archive.read_bytes()).hexdigest()
    assert jq["depends"] == ["libfoo >=1"]
    assert by_name["libfoo"]["subdir"] == this_subdir()


def test_run_mode_shows_the_requested_programs_and_dev_mode_everything(project: Sandbox) -> None:
    show = (
        'ls "$FLOX_ENV/bin"; for d in include lib share; do '
        'if [ -e "$FLOX_ENV/$d" ]; then echo "has $d"; fi; done; '
        'echo "CPATH=${CPATH-}"; echo "PKG_CONFIG_PATH=${PKG_CONFIG_PATH-}"'
    )
    ran = run(project, ["--mode", "run", "--", "sh", "-c", show])
    assert ran.returncode == 0, ran.stderr
    lines = ran.stdout.splitlines()
    assert lines[0] == "jqlike"  # libfoo's footool is a dependency's: dev mode only
    assert not any(line.startswith("has ") for line in lines)
    assert "CPATH=" in lines and "PKG_CONFIG_PATH=" in lines

    dev = run(project, ["--mode", "dev", "--", "sh", "-c", show])
    assert dev.returncode == 0, dev.stderr
    assert "solving" not in dev.stderr and "installing" not in dev.stderr  # built once
    lines = dev.stdout.splitlines()
    assert lines[:2] == ["footool", "jqlike"]
    assert {"has include", "has lib", "has share"} <= set(lines)
    code = (
        "import os\n"
        "def find(var, name):\n"
        "    return [d for d in os.environ.get(var, '').split(':') if d and os.path.exists(os.path.join(d, name))]\n"
        "print([find('CPATH', 'foo.h'), find('PKG_CONFIG_PATH', 'foo.pc'), find('LIBRARY_PATH', 'libfoo.a')])\n"
    )
    found = run(project, ["--", sys.executable, "-c", code])
    assert found.returncode == 0, found.stderr
    flox_env = project.project / ".flox" / "run"
    (env_dir,) = [p for p in flox_env.iterdir() if p.name.endswith(".dev")]
    assert found.stdout.strip() == str(
        [[f"{env_dir}/include"], [f"{env_dir}/lib/pkgconfig"], [f"{env_dir}/lib"]]
    )
    assert run(project, ["--", "footool", "--version"]).stdout == "footool 1.0\n"


def test_the_prefix_placeholder_is_replaced_by_the_final_path(project: Sandbox) -> None:
    result = run(project, ["--", "sh", "-c", 'cat "$FLOX_ENV/share/foo/where.txt"'])
    assert result.returncode == 0, result.stderr
    (env,) = complete_envs(project)
    assert result.stdout == f"installed at {env}/share/foo\n"
    assert (env / "share" / "foo" / "where.txt").read_text() == result.stdout
    assert PLACEHOLDER not in (env / "lib" / "pkgconfig" / "foo.pc").read_text()
    marker = json.loads((env / ".activate.json").read_text())
    assert marker["backend"] == "conda"
    assert marker["requested"] == ["jqlike"]
    assert marker["programs"] == {"requested": ["bin/jqlike"], "all": ["bin/footool", "bin/jqlike"]}
    assert marker["packages"] == [
        {"name": "jqlike", "version": "1.7.1"},
        {"name": "libfoo", "version": "1.0"},
    ]
    assert marker["activate_scripts"] == []


# --- activation scripts ---------------------------------------------------------------------------

HOSTILE = 'it\'s "q" $HOME ${X} `touch PWNED` $(touch PWNED) wow! !! !$ a\\b\\\\c %s 100% é 日本 🐚\nline2 ends\\'
SHOW = f"{sys.executable} -c 'import os,sys;sys.stdout.buffer.write(os.environb[b\"HOSTILE\"])'"


def _bash_quote(value: str) -> str:
    return "'" + value.replace("'", "'\\''") + "'"


@pytest.fixture
def scripted(sandbox: Sandbox) -> Sandbox:
    """A package whose activation scripts export a hostile value (and record their order)."""
    make_channel(
        sandbox.project / "channel",
        [
            Package(
                "hostile",
                "1",
                noarch=True,
                files={
                    "etc/conda/activate.d/b-second.sh": (
                        f"export HOSTILE={_bash_quote(HOSTILE)}\n"
                        'export ORDER="$ORDER b"\n'
                        'export SEEN_PREFIX="$CONDA_PREFIX"\n'
                    ),
                    "etc/conda/activate.d/a-first.sh": "export ORDER=a\n",
                    "etc/conda/activate.d/not-a-script.txt": "export ORDER=broken\n",
                },
            )
        ],
    )
    sandbox.write_manifest(manifest('h.conda = "hostile"', "./channel"))
    return sandbox


def test_activation_scripts_run_in_name_order_with_conda_prefix_set(scripted: Sandbox) -> None:
    result = run(scripted, ["--", "sh", "-c", 'printf "%s|%s" "$ORDER" "$SEEN_PREFIX"'])
    assert result.returncode == 0, result.stderr
    (env,) = complete_envs(scripted)
    assert result.stdout == f"a b|{env}"


def test_an_activation_scripts_hostile_value_arrives_exactly_with_c(
    scripted: Sandbox, shell: str
) -> None:
    result = run(scripted, ["--shell", shell, "-c", SHOW])
    assert result.returncode == 0, result.stderr
    assert result.stdout == HOSTILE
    assert not list(scripted.root.rglob("PWNED"))


def test_an_activation_scripts_hostile_value_arrives_exactly_in_place(
    scripted: Sandbox, shell: str
) -> None:
    result = scripted.shell(shell, f"{in_place(shell)}\n{SHOW}\n")
    assert result.returncode == 0, result.stderr
    assert result.stdout == HOSTILE
    assert not list(scripted.root.rglob("PWNED"))


# --- the lock and the store -------------------------------------------------------------------


def test_a_fresh_checkout_with_the_lock_builds_from_it_without_solving_or_the_channel(
    project: Sandbox,
) -> None:
    first = run(project, ["--", "jqlike", "--version"])
    assert first.returncode == 0, first.stderr
    lock = project.manifest.parent / "activate.lock"
    written = lock.read_text()
    # A fresh checkout: the manifest and the lock, not the channel.
    checkout = project.root / "checkout"
    (checkout / ".flox" / "env").mkdir(parents=True)
    for name in ("manifest.toml", "activate.lock"):
        shutil.copy(project.manifest.parent / name, checkout / ".flox" / "env" / name)
    shutil.rmtree(project.project / "channel")

    # The environment is in the store: used as it is.
    again = run(project, ["--", "jqlike", "--version"], cwd=checkout)
    assert again.returncode == 0, again.stderr
    assert again.stdout == "jqlike 1.7.1\n"
    assert "solving" not in again.stderr and "installing" not in again.stderr

    # Gone from the store: built again from the lock and the package cache alone.
    (env,) = complete_envs(project)
    remove_tree(env)
    rebuilt = run(project, ["--", "jqlike", "--version"], cwd=checkout)
    assert rebuilt.returncode == 0, rebuilt.stderr
    assert rebuilt.stdout == "jqlike 1.7.1\n"
    assert "solving" not in rebuilt.stderr
    assert "activate: installing 2 conda package(s)" in rebuilt.stderr.splitlines()
    assert complete_envs(project) == [env]  # the same key: the same packages
    assert (checkout / ".flox" / "env" / "activate.lock").read_text() == written


def test_equal_specs_written_differently_share_one_store_folder(project: Sandbox) -> None:
    other = project.root / "other"
    (other / ".flox" / "env").mkdir(parents=True)
    (other / ".flox" / "env" / "manifest.toml").write_text(
        manifest('tool.conda = "JQLIKE  >=1.7"', str(project.project / "channel"))
    )
    one = run(project, ["--", "sh", "-c", 'readlink -f "$FLOX_ENV/bin/jqlike"'])
    two = run(project, ["--", "sh", "-c", 'readlink -f "$FLOX_ENV/bin/jqlike"'], cwd=other)
    assert one.returncode == 0 and two.returncode == 0, one.stderr + two.stderr
    assert one.stdout == two.stdout
    assert "installing" not in two.stderr  # the second project found it built
    (env,) = complete_envs(project)
    assert one.stdout.startswith(str(env) + "/")


def test_an_unsolvable_spec_fails_naming_its_entry_line_and_reason(sandbox: Sandbox) -> None:
    make_channel(sandbox.project / "channel", packages())
    sandbox.write_manifest(manifest('foo.conda = "libfoo"\njq.conda = "jqlike >=9"', "./channel"))
    result = run(sandbox, ["--", "true"])
    assert result.returncode == 5, result.stderr
    lines = result.stderr.splitlines()
    assert "activate: error: cannot solve the conda entries ([install] jq)" in lines
    assert f"  in {sandbox.manifest}, line 4" in lines
    assert '  4 | jq.conda = "jqlike >=9"' in lines
    assert any("No candidates were found for jqlike >=9" in line for line in lines)
    assert "Traceback" not in result.stderr
    assert complete_envs(sandbox) == []
    assert not (sandbox.manifest.parent / "activate.lock").exists()
    root = store(sandbox)
    assert not root.exists() or not [p for p in root.iterdir() if p.is_dir()]


def test_an_unsatisfiable_dependency_names_the_entry_that_needs_it(sandbox: Sandbox) -> None:
    make_channel(
        sandbox.project / "channel",
        [
            Package("libfoo", "1.0"),
            Package("jqlike", "1.7.1", depends=["libfoo >=2"], noarch=True),
        ],
    )
    sandbox.write_manifest(manifest('jq.conda = "jqlike"', "./channel"))
    result = run(sandbox, ["--", "true"])
    assert result.returncode == 5, result.stderr
    assert "cannot solve the conda entries ([install] jq)" in result.stderr
    assert "libfoo >=2, for which no candidates were found" in result.stderr


def test_a_spec_rattler_cannot_read_is_named(sandbox: Sandbox) -> None:
    make_channel(sandbox.project / "channel", packages())
    sandbox.write_manifest(manifest('jq.conda = "jqlike >>1"', "./channel"))
    result = run(sandbox, ["--", "true"])
    assert result.returncode == 5, result.stderr
    assert "py-rattler cannot read the match spec 'jqlike >>1' ([install] jq)" in result.stderr
    assert f"{sandbox.manifest}, line 3" in result.stderr


def test_a_missing_channel_folder_is_named(sandbox: Sandbox) -> None:
    sandbox.write_manifest(manifest('jq.conda = "jqlike"', "./nowhere"))
    result = run(sandbox, ["--", "true"])
    assert result.returncode == 5, result.stderr
    assert f"the conda channel ./nowhere is not a folder ({sandbox.project}/nowhere)" in (
        result.stderr
    )


def test_without_a_channel_option_the_condarc_channels_are_used(sandbox: Sandbox) -> None:
    channel = make_channel(sandbox.root / "chan", packages())
    (sandbox.home / ".condarc").write_text(
        f"# mine\nchannels:\n  - file://{channel}  # local\nshow_channel_urls: true\n"
    )
    sandbox.write_manifest('version = 1\n[install]\njq.conda = "jqlike"\n')
    result = run(sandbox, ["--", "jqlike", "--version"])
    assert result.returncode == 0, result.stderr
    assert result.stdout == "jqlike 1.7.1\n"
    lock = tomllib.loads((sandbox.manifest.parent / "activate.lock").read_text())
    assert lock["conda"]["channels"] == [f"file://{channel}"]
    assert lock["conda"]["packages"][0]["url"].startswith(f"file://{channel}/noarch/")


# --- a build killed midway ------------------------------------------------------------------------


class SlowChannel:
    """A channel over loopback HTTP that stops halfway through each package
    until released (so a test can kill a build in the middle)."""

    def __init__(self, root: Path) -> None:
        self.started = threading.Event()
        self.release = threading.Event()
        owner = self

        class Handler(http.server.SimpleHTTPRequestHandler):
            def __init__(self, *args: object, **kwargs: object) -> None:
                super().__init__(*args, directory=str(root), **kwargs)  # type: ignore[arg-type]

            def copyfile(self, source, outputfile) -> None:  # type: ignore[no-untyped-def]
                try:
                    if self.path.endswith(".tar.bz2") and not owner.release.is_set():
                        data = source.read()
                        outputfile.write(data[: len(data) // 2])
                        outputfile.flush()
                        owner.started.set()
                        owner.release.wait(60)
                        outputfile.write(data[len(data) // 2 :])
                    else:
                        shutil.copyfileobj(source, outputfile)
                except OSError:
                    pass  # the client was killed

            def log_message(self, *args: object) -> None:
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.release.set()
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def slow_channel(sandbox: Sandbox) -> Iterator[SlowChannel]:
    channel = SlowChannel(make_channel(sandbox.root / "served", packages()))
    yield channel
    channel.close()


def test_a_build_killed_midway_leaves_nothing_taken_as_complete(
    sandbox: Sandbox, slow_channel: SlowChannel
) -> None:
    sandbox.write_manifest(manifest('jq.conda = "jqlike>=1.7"', slow_channel.url))
    proc = subprocess.Popen(
        [ACTIVATE, "--", "jqlike", "--version"],
        cwd=sandbox.project,
        env=sandbox.env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        assert slow_channel.started.wait(60), "the build never downloaded a package"
        building = [p for p in store(sandbox).iterdir() if p.name.startswith(".tmp-")]
        assert building, "no build folder while downloading"
        proc.send_signal(signal.SIGKILL)  # activate only: its rattler child must follow
        proc.wait(10)
        wait_until(lambda: not sandbox_processes(sandbox), timeout=10)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    slow_channel.release.set()
    assert complete_envs(sandbox) == []
    assert not (sandbox.manifest.parent / "activate.lock").exists()

    result = run(sandbox, ["--", "jqlike", "--version"], offline=False)
    assert result.returncode == 0, result.stderr
    assert result.stdout == "jqlike 1.7.1\n"
    (env,) = complete_envs(sandbox)
    assert not [p for p in store(sandbox).iterdir() if p.name.startswith(".tmp-")]
    assert (env / "conda-meta").is_dir() and (env / "bin" / "footool").exists()


# --- where py-rattler is not, or another conda is wanted ---------------------------------------


def _python_of(script: str) -> str:
    with open(script, "rb") as f:
        first = f.readline().decode().strip()
    return first[2:].split()[0] if first.startswith("#!") else sys.executable


def test_without_py_rattler_the_error_names_the_fix(project: Sandbox) -> None:
    """activate installed in an environment like its own, less py-rattler."""
    python = _python_of(ACTIVATE)
    venv = project.root / "venv"
    subprocess.run([python, "-m", "venv", "--without-pip", str(venv)], check=True)
    purelib = "import sysconfig; print(sysconfig.get_paths()['purelib'])"
    theirs = Path(
        subprocess.run([python, "-c", purelib], capture_output=True, text=True).stdout.strip()
    )
    ours = Path(
        subprocess.run(
            [str(venv / "bin" / "python"), "-c", purelib], capture_output=True, text=True
        ).stdout.strip()
    )
    for entry in theirs.iterdir():
        if not entry.name.lower().startswith(("rattler", "py_rattler")):
            (ours / entry.name).symlink_to(entry)
    tool = venv / "bin" / "activate-tool"
    body = Path(ACTIVATE).read_text().split("\n", 1)[1]
    tool.write_text(f"#!{venv}/bin/python\n{body}")
    tool.chmod(0o755)
    result = subprocess.run(
        [*OFFLINE, str(tool), "--", "true"],
        cwd=project.project,
        env=project.env,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 5, result.stderr
    assert "conda entries need py-rattler, which is not installed" in result.stderr
    assert f'"{venv}/bin/python" -m pip install py-rattler' in result.stderr
    assert "Traceback" not in result.stderr


def test_activate_conda_exe_must_name_a_conda_program(project: Sandbox) -> None:
    missing = run(project, ["--", "true"], env={"ACTIVATE_CONDA_EXE": "/nonexistent/micromamba"})
    assert missing.returncode == 5, missing.stderr
    assert "ACTIVATE_CONDA_EXE=/nonexistent/micromamba: no such program" in missing.stderr
    other = run(project, ["--", "true"], env={"ACTIVATE_CONDA_EXE": shutil.which("true") or ""})
    assert other.returncode == 5, other.stderr
    assert "not a conda, mamba or micromamba program" in other.stderr
    assert complete_envs(project) == []


# --- the parts ACTIVATE_CONDA_EXE builds rely on, on real files ---------------------------------


def test_relocate_rewrites_text_binary_and_links_keeping_hard_linked_originals(
    tmp_path: Path,
) -> None:
    prefix = tmp_path / ".tmp-abcdef-12345678"
    final = tmp_path / "abcdef"
    (prefix / "bin").mkdir(parents=True)
    cached = tmp_path / "cached-script"
    cached.write_text(f"#!{prefix}/bin/python\n")
    os.link(cached, prefix / "bin" / "tool")  # as a package cache's hard link
    (prefix / "bin" / "tool").chmod(0o755)
    binary = b"\x7fELF\0" + os.fsencode(prefix) + b"/lib:/usr/lib\0tail\0"
    (prefix / "bin" / "prog").write_bytes(binary)
    (prefix / "link").symlink_to(prefix / "bin" / "tool")
    compiled = b"\xa7\r\r\n" + os.fsencode(prefix) + b"/x.py\x01\x02"
    (prefix / "x.cpython-311.pyc").write_bytes(compiled)
    conda.relocate(str(prefix), str(final))
    assert (prefix / "x.cpython-311.pyc").read_bytes() == compiled  # marshal data: left alone
    assert (prefix / "bin" / "tool").read_text() == f"#!{final}/bin/python\n"
    assert os.stat(prefix / "bin" / "tool").st_mode & 0o777 == 0o755
    assert cached.read_text() == f"#!{prefix}/bin/python\n"  # the cache's copy untouched
    patched = (prefix / "bin" / "prog").read_bytes()
    assert len(patched) == len(binary)
    pad = len(os.fsencode(prefix)) - len(os.fsencode(final))
    assert patched == b"\x7fELF\0" + os.fsencode(final) + b"/lib:/usr/lib" + b"\0" * pad + (
        b"\0tail\0"
    )
    assert os.readlink(prefix / "link") == f"{final}/bin/tool"


def test_condarc_channels_in_both_shapes_conda_writes() -> None:
    block = "channel_alias: https://mirror.example/conda\nchannels:\n  - conda-forge\n  - 'bioconda'  # x\nauto_update_conda: false\n"
    assert conda._read_condarc(block) == (
        "https://mirror.example/conda",
        ["conda-forge", "bioconda"],
    )
    assert conda._read_condarc("channels: [conda-forge, defaults]\n") == (
        None,
        ["conda-forge", "defaults"],
    )
    assert conda._read_condarc("ssl_verify: true\n") == (None, [])


def test_this_machines_subdir_is_rattlers() -> None:
    python = _python_of(ACTIVATE)
    done = subprocess.run(
        [python, "-c", "import os, rattler; print(rattler.Subdir.current()); os._exit(0)"],
        capture_output=True,
        text=True,
    )
    assert done.stdout.strip() == conda.subdir({}) == this_subdir()
