"""Wheels made in the test, for a `find-links` folder: no index, no network.

A wheel is a zip holding the package's modules and a
`<name>-<version>.dist-info/` folder with METADATA (the name, the version,
`Requires-Dist` lines for the dependencies), WHEEL (the format and the
tags), entry_points.txt (console scripts) and RECORD (every file with its
hash and size). That is all uv needs to resolve and install one.
"""

from __future__ import annotations

import base64
import hashlib
import os
import re
import zipfile
from collections.abc import Mapping, Sequence
from pathlib import Path


def module_name(name: str) -> str:
    """The importable name of distribution `name` (`hello-tool` -> `hello_tool`)."""
    return re.sub(r"[-_.]+", "_", name).lower()


def _record_line(path: str, data: bytes) -> str:
    digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
    return f"{path},sha256={digest},{len(data)}"


def make_wheel(
    folder: Path,
    name: str,
    version: str = "1.0",
    *,
    requires: Sequence[str] = (),
    scripts: Mapping[str, str] | None = None,
    says: str | None = None,
    padding: int = 0,
) -> Path:
    """Write the wheel of distribution `name` into `folder` and return its path.

    Its module (`module_name(name)`) has `VERSION`, and a `main()` that prints
    `says` (default: "<name> <version>"). `scripts` maps console-script names
    to entry points (default: none); `requires` are `Requires-Dist` lines;
    `padding` bytes of incompressible data make it slow to install."""
    module = module_name(name)
    says = says if says is not None else f"{name} {version}"
    files: dict[str, bytes] = {
        f"{module}/__init__.py": (
            f"VERSION = {version!r}\n\n\ndef main() -> None:\n    print({says!r})\n"
        ).encode(),
    }
    if padding:
        files[f"{module}/padding.bin"] = os.urandom(padding)
    dist_info = f"{module}-{version}.dist-info"
    metadata = ["Metadata-Version: 2.1", f"Name: {name}", f"Version: {version}"]
    metadata += [f"Requires-Dist: {r}" for r in requires]
    files[f"{dist_info}/METADATA"] = ("\n".join(metadata) + "\n").encode()
    files[f"{dist_info}/WHEEL"] = (
        b"Wheel-Version: 1.0\nGenerator: activate-tests\nRoot-Is-Purelib: true\nTag: py3-none-any\n"
    )
    if scripts:
        lines = ["[console_scripts]", *(f"{k} = {v}" for k, v in scripts.items())]
        files[f"{dist_info}/entry_points.txt"] = ("\n".join(lines) + "\n").encode()
    record = [_record_line(p, d) for p, d in files.items()] + [f"{dist_info}/RECORD,,"]
    files[f"{dist_info}/RECORD"] = ("\n".join(record) + "\n").encode()
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{module}-{version}-py3-none-any.whl"
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_STORED) as z:
        for p, d in files.items():
            z.writestr(zipfile.ZipInfo(p, date_time=(2024, 1, 1, 0, 0, 0)), d)
    return path


def standard_set(folder: Path) -> Path:
    """The wheels most tests use: `hello-tool` (script `hello`, needs `dep-lib`),
    `dep-lib` (script `dep-tool`), `other-tool` (script `other`), and
    `hello-tool` 2.0. Returns `folder`."""
    make_wheel(
        folder, "hello-tool", "1.0", requires=["dep-lib>=1"], scripts={"hello": "hello_tool:main"}
    )
    make_wheel(
        folder, "hello-tool", "2.0", requires=["dep-lib>=1"], scripts={"hello": "hello_tool:main"}
    )
    make_wheel(folder, "dep-lib", "1.0", scripts={"dep-tool": "dep_lib:main"})
    make_wheel(folder, "other-tool", "1.0", scripts={"other": "other_tool:main"})
    return folder
