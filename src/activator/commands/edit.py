"""`activate edit`: open the manifest in $VISUAL/$EDITOR, check it on save.

The editor works on a copy next to the manifest; the manifest is replaced
(atomically, keeping its permissions) only by a copy that passes every check
activation makes. On an error the editor opens again when stdin is a
terminal; otherwise activate exits with the error and the manifest unchanged.
A manifest that cannot be written (a read-only file or folder) is an error
before the editor opens, so no edit is lost.
"""

from __future__ import annotations

import os
import shlex
import subprocess
import sys

from .. import locate, manifest, state
from ..errors import ActivateError, report, warn
from ..grammar import Invocation


def run(inv: Invocation) -> int:
    """Edit the manifest until it is valid (or the user gives up)."""
    loc = locate.find(inv.get("dir"), inv.get("file"), os.getcwd())
    path = loc.manifest_path
    editor = shlex.split(os.environ.get("VISUAL") or os.environ.get("EDITOR") or "vi")
    original = loc.manifest_bytes
    folder, base = os.path.split(path)
    copy = os.path.join(folder, f".{base}.edit.toml")  # .toml: editors pick the syntax
    problem = state.replace_problem(path)  # before the editor opens: an edit is never lost to it
    if problem is not None:
        raise state.write_error("the manifest", path, problem)
    try:
        with open(copy, "wb") as f:
            f.write(original)
    except OSError as e:  # a full disk: nothing to keep
        state.remove(copy)
        raise state.write_error("the manifest", path, e) from None
    keep = False  # True once the edit is valid but could not be saved: the copy holds it
    try:
        while True:
            try:
                done = subprocess.run([*editor, copy])
            except OSError as e:
                raise ActivateError(
                    f"cannot start the editor {editor[0]!r}: {e.strerror}",
                    hint="set VISUAL or EDITOR to your editor (e.g. EDITOR=nano)",
                ) from None
            if done.returncode != 0:
                raise ActivateError(
                    f"the editor exited with status {done.returncode}; the manifest is unchanged"
                )
            with open(copy, "rb") as f:
                edited = f.read()
            if edited == original:
                warn("no changes")
                return 0
            try:
                manifest.load(path, edited)
            except ActivateError as e:
                report(e)
                if not _again():
                    warn("the manifest is unchanged; your edit is not saved")
                    return e.status
                continue
            try:
                os.chmod(copy, os.stat(path).st_mode & 0o7777)
                os.replace(copy, path)
            except OSError as e:
                keep = True
                err = state.write_error("the manifest", path, e)
                err.details = (*err.details, f"your edit is kept in {copy}")
                raise err from None
            warn(
                f"saved {path}; the next activation uses it (shells already running keep what they had)"
            )
            return 0
    finally:
        if not keep:
            state.remove(copy)


def _again() -> bool:
    """Ask whether to edit again (only when someone can answer)."""
    if not (sys.stdin.isatty() and sys.stderr.isatty()):
        return False
    sys.stderr.write("edit again? [Y/n] ")
    sys.stderr.flush()
    answer = sys.stdin.readline().strip().lower()
    return answer in ("", "y", "yes")
