"""Flox `pkg-path` entries get their tools from a conda channel (the catalog).

Offline: a local channel made by the test holds packages under conda-forge's
names (jq, nodejs in two major versions, make); the manifest names them the
way Flox manifests do (`jq`, `nodejs_20`, `gnumake`, `nodejs` with
`version = "^18"`), with an entry for another system and one the catalog does
not know. Activations run without a network where `unshare -n` works.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import time
from pathlib import Path

import pytest

from condachannel import Package, make_channel, program

from conftest import ACTIVATE, Sandbox

OFFLINE = (
    ["unshare", "-n"]
    if shutil.which("unshare")
    and subprocess.run(["unshare", "-n", "true"], capture_output=True).returncode == 0
    else []
)


def run(sandbox: Sandbox, args: list[str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*OFFLINE, ACTIVATE, *args],
        cwd=sandbox.project,
        env=sandbox.env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def channel(root: Path) -> Path:
    """Packages with conda-forge's names."""
    return make_channel(
        root,
        [
            Package("jq", "1.7.1", files={"bin/jq": program("jq", "1.7.1")}),
            Package("nodejs", "18.20.4", files={"bin/node": program("node", "18.20.4")}),
            Package("nodejs", "20.17.0", files={"bin/node": program("node", "20.17.0")}),
            Package("make", "4.4.1", files={"bin/make": program("make", "4.4.1")}),
        ],
    )


MANIFEST = """version = 1
[install]
jq.pkg-path = "jq"
node.pkg-path = "nodejs_20"
make.pkg-path = "gnumake"
riscv.pkg-path = "jq"
riscv.systems = ["riscv64-linux"]
nosuch.pkg-path = "surely-not-an-attribute"
[options]
activate.conda.channels = ["CHANNEL"]
"""


@pytest.fixture
def project(sandbox: Sandbox) -> Sandbox:
    folder = channel(sandbox.root / "channel")
    sandbox.write_manifest(MANIFEST.replace("CHANNEL", str(folder)))
    return sandbox


def test_mapped_entries_run_with_their_versions_and_the_rest_is_named(project: Sandbox) -> None:
    code = "jq --version; node --version; make --version"
    result = run(project, ["--", "sh", "-c", code])
    assert result.returncode == 0, result.stderr
    assert result.stdout.split("\n")[:3] == ["jq 1.7.1", "node 20.17.0", "make 4.4.1"]
    assert (
        'activate: [install] not available without Nix: nosuch (pkg-path "surely-not-an-attribute")'
        in result.stderr.splitlines()
    )
    assert "riscv" not in result.stderr  # an entry for another system is not asked for here
    bin_dir = json.loads(run(project, ["--print", "--shell", "json"]).stdout)["FLOX_ENV"] + "/bin"
    assert {p.name for p in Path(bin_dir).iterdir()} >= {"jq", "node", "make"}
    lock = (project.manifest.parent / "activate.lock").read_text()
    assert "[conda]" in lock and 'name = "nodejs"' in lock and 'version = "20.17.0"' in lock


def test_a_flox_version_range_picks_the_matching_major(sandbox: Sandbox) -> None:
    folder = channel(sandbox.root / "channel")
    sandbox.write_manifest(
        'version = 1\n[install]\nnode.pkg-path = "nodejs"\nnode.version = "^18"\n'
        f'[options]\nactivate.conda.channels = ["{folder}"]\n'
    )
    result = run(sandbox, ["--", "node", "--version"])
    assert (result.returncode, result.stdout) == (0, "node 18.20.4\n"), result.stderr


def test_a_version_conda_cannot_express_is_an_error_naming_its_line(sandbox: Sandbox) -> None:
    sandbox.write_manifest(
        'version = 1\n[install]\nnode.pkg-path = "nodejs"\nnode.version = "latest"\n'
    )
    result = run(sandbox, ["--", "true"])
    assert (result.returncode, result.stdout) == (3, "")
    assert f"{sandbox.manifest}, line 4" in result.stderr
    assert "node.version 'latest'" in result.stderr


def test_status_says_what_each_pkg_path_became(project: Sandbox) -> None:
    data = json.loads(run(project, ["status", "--json"]).stdout)
    became = {c["id"]: (c["conda"], c["why"]) for c in data["project"]["catalog"]}
    assert became["node"] == ("nodejs 20.*", None)
    assert became["make"] == ("make", None)
    assert became["nosuch"] == (None, "not in the catalog table")
    assert "riscv" not in became


def test_an_explicit_conda_failure_still_fails(project: Sandbox) -> None:
    text = project.manifest.read_text().replace(
        "[options]", 'strict.conda = "nosuchpkg"\n[options]'
    )
    project.manifest.write_text(text)
    result = run(project, ["--", "true"])
    assert result.returncode == 5, result.stderr
    assert "[install] strict" in result.stderr


def test_a_catalog_entry_the_channel_lacks_is_left_out_with_a_warning(project: Sandbox) -> None:
    text = project.manifest.read_text().replace("[options]", 'rg.pkg-path = "ripgrep"\n[options]')
    project.manifest.write_text(text)
    result = run(project, ["--", "jq", "--version"])
    assert (result.returncode, result.stdout) == (0, "jq 1.7.1\n"), result.stderr
    assert "activate: [install] rg (from the catalog) not provided: " in result.stderr


def _start(sandbox: Sandbox, manifest: str) -> tuple[subprocess.CompletedProcess[str], float]:
    sandbox.write_manifest(manifest)
    began = time.monotonic()
    result = run(sandbox, ["--", "true"])
    return result, time.monotonic() - began


def test_an_unreachable_channel_warns_and_costs_under_a_second_more(sandbox: Sandbox) -> None:
    entries = 'version = 1\n[install]\njq.pkg-path = "jq"\nnode.pkg-path = "nodejs_20"\n'
    # `.invalid` never resolves (RFC 6761): as with no network at all.
    unreachable = entries + '[options]\nactivate.conda.channels = ["https://conda.invalid/forge"]\n'
    off = entries + '[options]\nactivate.catalog = "none"\n'
    result, with_catalog = _start(sandbox, unreachable)
    assert result.returncode == 0, result.stderr
    assert "activate: [install] jq, node (from the catalog) not provided: " in result.stderr
    result, without = _start(sandbox, off)
    assert result.returncode == 0, result.stderr
    assert with_catalog < without + 1.0, (with_catalog, without)


def test_the_catalog_off_names_every_pkg_path_entry(project: Sandbox) -> None:
    text = project.manifest.read_text().replace("[options]", '[options]\nactivate.catalog = "none"')
    project.manifest.write_text(text)
    result = run(project, ["--", "true"])
    assert result.returncode == 0, result.stderr
    line = next(x for x in result.stderr.splitlines() if "not available without Nix" in x)
    for pid in ("jq", "node", "make", "nosuch"):
        assert f"{pid} (pkg-path " in line
    assert "solving" not in result.stderr
