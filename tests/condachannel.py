"""Conda channels made by the tests: real `.tar.bz2` packages and repodata.

A package is a bzip2 tarball holding its files and `info/index.json` and
`info/paths.json` (what rattler reads to link it); a channel is a folder
with `<subdir>/repodata.json` listing the packages of that subdir, and an
empty one for each other subdir the solver asks for (this machine's and
`noarch`). Nothing here needs a network or conda itself.
"""

from __future__ import annotations

import hashlib
import io
import json
import platform
import sys
import tarfile
from dataclasses import dataclass, field
from pathlib import Path

# conda-build's placeholder: files holding it have it replaced by the prefix they are linked into.
PLACEHOLDER = "/opt/anaconda1anaconda2anaconda3"


def this_subdir() -> str:
    """This machine's conda subdir (`linux-64`, `osx-arm64`, ...)."""
    machine = platform.machine().lower()
    arch = {"x86_64": "64", "amd64": "64", "arm64": "arm64", "aarch64": "aarch64"}.get(
        machine, machine
    )
    system = {"darwin": "osx", "win32": "win"}.get(sys.platform, "linux")
    if system == "linux" and arch == "arm64":
        arch = "aarch64"
    return f"{system}-{arch}"


@dataclass
class Package:
    """One conda package to build: files by path (text, or (text, mode))."""

    name: str
    version: str
    build: str = "0"
    build_number: int = 0
    depends: list[str] = field(default_factory=list)
    files: dict[str, str | tuple[str, int]] = field(default_factory=dict)
    noarch: bool = False  # noarch: generic (in noarch/), else this machine's subdir

    @property
    def subdir(self) -> str:
        return "noarch" if self.noarch else this_subdir()

    @property
    def filename(self) -> str:
        return f"{self.name}-{self.version}-{self.build}.tar.bz2"

    def index_json(self) -> dict[str, object]:
        data: dict[str, object] = {
            "name": self.name,
            "version": self.version,
            "build": self.build,
            "build_number": self.build_number,
            "depends": self.depends,
            "subdir": self.subdir,
            "license": "MIT",
            "timestamp": 1700000000000,
        }
        if self.noarch:
            data["noarch"] = "generic"
        else:
            system, _, arch = self.subdir.partition("-")
            data["platform"] = system
            data["arch"] = {"64": "x86_64"}.get(arch, arch)
        return data

    def archive(self) -> bytes:
        """The `.tar.bz2`: the files, then info/index.json and info/paths.json."""
        paths = []
        out = io.BytesIO()
        with tarfile.open(fileobj=out, mode="w:bz2") as tar:
            for rel, spec in sorted(self.files.items()):
                text, mode = spec if isinstance(spec, tuple) else (spec, 0o644)
                data = text.encode()
                entry: dict[str, object] = {
                    "_path": rel,
                    "path_type": "hardlink",
                    "sha256": hashlib.sha256(data).hexdigest(),
                    "size_in_bytes": len(data),
                }
                if PLACEHOLDER in text:
                    entry["prefix_placeholder"] = PLACEHOLDER
                    entry["file_mode"] = "text"
                paths.append(entry)
                _add(tar, rel, data, mode)
            _add(tar, "info/index.json", json.dumps(self.index_json()).encode())
            _add(
                tar,
                "info/paths.json",
                json.dumps({"paths": paths, "paths_version": 1}).encode(),
            )
        return out.getvalue()


def _add(tar: tarfile.TarFile, name: str, data: bytes, mode: int = 0o644) -> None:
    info = tarfile.TarInfo(name)
    info.size = len(data)
    info.mode = mode
    info.mtime = 1700000000
    tar.addfile(info, io.BytesIO(data))


def make_channel(root: Path, packages: list[Package]) -> Path:
    """A channel folder at `root` holding `packages`, with repodata for
    this machine's subdir and noarch (empty where there are none)."""
    by_subdir: dict[str, dict[str, object]] = {this_subdir(): {}, "noarch": {}}
    for package in packages:
        folder = root / package.subdir
        folder.mkdir(parents=True, exist_ok=True)
        data = package.archive()
        (folder / package.filename).write_bytes(data)
        record = dict(package.index_json())
        record["md5"] = hashlib.md5(data).hexdigest()
        record["sha256"] = hashlib.sha256(data).hexdigest()
        record["size"] = len(data)
        by_subdir.setdefault(package.subdir, {})[package.filename] = record
    for subdir, records in by_subdir.items():
        folder = root / subdir
        folder.mkdir(parents=True, exist_ok=True)
        repodata = {
            "info": {"subdir": subdir},
            "packages": records,
            "packages.conda": {},
            "repodata_version": 1,
        }
        (folder / "repodata.json").write_text(json.dumps(repodata, indent=1, sort_keys=True))
    return root


def program(name: str, version: str) -> tuple[str, int]:
    """An executable script that prints `name version` for --version."""
    return (f'#!/bin/sh\necho "{name} {version}"\n', 0o755)
