"""The lock: what the `[install]` entries resolved to, beside the manifest.

`.flox/env/activate.lock` (for `-f FILE`, `FILE` with `.lock` in place of its
extension) is TOML, one section per backend, meant to be committed:

    version = 1
    [pip]
    fingerprint = "..."       # of the entries and options it was resolved from
    python = "3.11"           # backend facts the section depends on
    [[pip.packages]]
    name = "hello-tool"
    version = "1.0"
    ...                       # the backend's own fields (URL, hashes, build)

While a section's fingerprint matches the manifest, activations build from
it without resolving again.
"""

from __future__ import annotations

import os

from ..errors import ActivateError

VERSION = 1
HEADER = (
    "# Written by activate: the packages the manifest's [install] entries resolved to.\n"
    "# Commit it, so that every checkout builds the same environments; activate\n"
    "# rewrites a section when its entries change. `activate update` resolves again.\n"
)


def path_for(manifest: str) -> str:
    """Where the lock of `manifest` is."""
    folder, name = os.path.split(manifest)
    if name == "manifest.toml" and os.path.basename(folder) == "env":
        return os.path.join(folder, "activate.lock")
    return os.path.join(folder, os.path.splitext(name)[0] + ".lock")


def read(path: str) -> dict[str, dict[str, object]]:
    """The lock's sections by backend ({} when there is no lock). A lock that
    cannot be read is an error naming it: it is the user's file."""
    import tomllib

    try:
        with open(path, "rb") as f:
            data = tomllib.load(f)
    except FileNotFoundError:
        return {}
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as e:
        raise ActivateError(
            f"cannot read the lock {path}: {e}",
            hint="fix it, or remove it and activate again: the entries are resolved afresh",
        ) from None
    if data.get("version") != VERSION:
        raise ActivateError(
            f"the lock {path} has version {data.get('version')!r}; this activate reads version {VERSION}",
            hint="remove it (activate resolves the entries again and writes a new one)",
        )
    return {k: v for k, v in data.items() if isinstance(v, dict)}


def write(path: str, sections: dict[str, dict[str, object]]) -> None:
    """Write the lock (atomically, keeping it diff-friendly: sorted sections,
    packages in the order the backend gave). An empty lock is removed."""
    if not sections:
        try:
            os.unlink(path)
        except FileNotFoundError:
            pass
        return
    from .tomlwrite import table

    parts = [f"version = {VERSION}\n"]
    parts += [table(name, sections[name], arrays=("packages",)) for name in sorted(sections)]
    text = HEADER + "\n".join(parts)
    tmp = f"{path}.{os.getpid()}.tmp"
    try:
        with open(tmp, "w", encoding="utf-8") as f:
            f.write(text)
        os.replace(tmp, path)
    except OSError as e:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise ActivateError(
            f"cannot write the lock {path}: {e.strerror}",
            hint="make the folder writable (the lock is written beside the manifest)",
        ) from None
