"""The trust store: which manifests may activate automatically (`activate allow`).

A record per manifest, in `$XDG_DATA_HOME/activate/trust/` (else
`~/.local/share/activate/trust/`), a private folder (0700) of private files
(0600). A record is named by a digest of the manifest's real path and holds
the fingerprint the user allowed (a digest of the content of the manifest
and of every manifest it includes) and the path itself. A manifest is
allowed while its fingerprint is the recorded one: any edit withdraws the
trust until the next `activate allow`. Only the automatic path (the prompt
hook) asks; an explicit `activate` never does.
"""

from __future__ import annotations

import os

from .state import digest, ensure_private_dir, read_file, remove, write_atomic, xdg_home

VERSION = b"activate-trust 1\n"


def store() -> str:
    """The folder of the trust records (it may not exist yet)."""
    return os.path.join(xdg_home("XDG_DATA_HOME", ".local", "share"), "activate", "trust")


def ensure_store() -> None:
    """Create the store (and its parent `activate` folder), private."""
    ensure_private_dir(os.path.dirname(store()))
    ensure_private_dir(store())


def _record(manifest_real: str) -> str:
    return os.path.join(store(), digest(os.fsencode(manifest_real)))


def recorded(manifest_real: str) -> str | None:
    """The fingerprint allowed for the manifest at the real path
    `manifest_real`, or None when it was never allowed (or was denied)."""
    raw = read_file(_record(manifest_real))
    if raw is None or not raw.startswith(VERSION):
        return None
    fingerprint, _, path = raw[len(VERSION) :].partition(b"\n")
    if path != os.fsencode(manifest_real):  # a digest collision, or a damaged record
        return None
    return fingerprint.decode("ascii", "replace")


def allow(manifest_real: str, fingerprint: str) -> None:
    """Record that the manifest may activate automatically while its
    fingerprint is `fingerprint`."""
    ensure_store()
    data = VERSION + fingerprint.encode("ascii") + b"\n" + os.fsencode(manifest_real)
    write_atomic(_record(manifest_real), data)


def deny(manifest_real: str) -> bool:
    """Remove the manifest's record; False if there was none."""
    path = _record(manifest_real)
    if read_file(path) is None:
        return False
    remove(path)
    return True
