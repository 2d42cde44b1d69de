"""Auto-activation: which environments a shell in a folder should have on.

The prompt hook (`activate hook SHELL`) calls `activate hook-env SHELL` when
the folder or a watched file changed. This module decides, from the folders
holding `.flox/env/manifest.toml` at and above the current one (outermost
first), the trust store and what this shell auto-activated before (its
state, kept in the shell), which auto-activations to undo (innermost first) and which to start
(outermost first). It decides only; `prompt.py` hands over.

Each entry of a shell's state is one project folder the shell is inside:
  on   auto-activated (`rec`: its in-place record, `fp`: the fingerprint allowed)
  off  the user typed `deactivate`: stays off until the shell leaves the folder
  no   not allowed (said once)
  ext  already active when entered (an explicit activation, an outer shell): not ours
  err  activating failed (said once)
"""

from __future__ import annotations

import os

from . import trust
from .state import digest, makedirs_private, state_root
from .values import Value

MANIFEST = os.path.join(".flox", "env", "manifest.toml")


class Entry(Value):
    """One project folder in a shell's auto-activation state."""

    __slots__ = ("project", "st", "fp", "rec")

    def __init__(self, project: str, st: str, fp: str = "", rec: str = "") -> None:
        self.project = project  # the project folder (real path), holding .flox
        self.st = st  # on, off, no, ext or err
        self.fp = fp  # the fingerprint seen when it was entered or activated
        self.rec = rec  # its in-place record id (`_ACTIVATE_INPLACE`), when on


class Found(Value):
    """A project at or above the current folder, with its trust."""

    __slots__ = ("project", "fp", "files", "allowed", "changed")

    def __init__(
        self, project: str, fp: str, files: list[str], allowed: bool, changed: bool
    ) -> None:
        self.project = project
        self.fp = fp  # fingerprint of the manifest and what it includes
        self.files = files  # those files (real paths): what the hook watches
        self.allowed = allowed  # the trust store holds this fingerprint
        self.changed = changed  # it holds another one: edited since allowed


def projects(cwd: str) -> list[str]:
    """The folders at and above `cwd` (real paths) that hold
    `.flox/env/manifest.toml`, outermost first."""
    here = os.path.realpath(cwd)
    found = []
    while True:
        if os.path.isfile(os.path.join(here, MANIFEST)):
            found.append(here)
        up = os.path.dirname(here)
        if up == here:
            return found[::-1]
        here = up


def fingerprint(manifest: str) -> tuple[str, list[str]]:
    """A digest of the content of the manifest (a real path) and of every
    manifest it includes, nested too, and those files. A manifest that
    cannot be read as TOML counts alone (activating it fails anyway)."""
    from .errors import ActivateError

    with open(manifest, "rb") as f:
        raw = f.read()
    parts = [os.fsencode(manifest), raw]
    files = [manifest]
    if b"include" not in raw:  # includes nothing: no need to read the TOML (tomllib costs 15 ms)
        return digest(*parts), files
    try:
        from . import compose

        composed, stamp = compose.load(manifest, raw)  # the stamp: what it read of each
    except (ActivateError, OSError, ValueError):
        return digest(*parts), files
    parts.append(stamp.encode())
    for _, path in composed.included:
        real = os.path.realpath(path)
        if real not in files:
            files.append(real)
    return digest(*parts), files


def find(project: str) -> Found:
    """The project's manifest, its fingerprint and whether it is allowed."""
    manifest = os.path.realpath(os.path.join(project, MANIFEST))
    fp, files = fingerprint(manifest)
    allowed_fp = trust.recorded(manifest)
    return Found(project, fp, files, allowed_fp == fp, allowed_fp not in (None, fp))


class Decision(Value):
    """What to do at this prompt: undo (innermost first), start (outermost
    first), the lines to say, and the state to keep (without the records of
    what is started: the caller fills those in)."""

    __slots__ = ("undo", "start", "say", "state")

    def __init__(self) -> None:
        self.undo: list[Entry] = []
        self.start: list[Found] = []
        self.say: list[str] = []
        self.state: list[Entry] = []


def decide(state: list[Entry], here: list[Found], stack: list[str], active: set[str]) -> Decision:
    """Compare what the shell has (`state`; `stack`: its in-place records,
    newest last; `active`: the .flox folders active in it) with the projects
    it is in now (`here`, outermost first)."""
    d = Decision()
    old = {e.project: e for e in state}
    for entry in state:  # a record gone from the stack: the user typed `deactivate`
        if entry.st == "on" and entry.rec not in stack:
            entry.st = "off"
    wanted: list[tuple[Found, Entry]] = []
    for f in here:
        e = old.get(f.project)
        if e is None:  # entering
            if os.path.join(f.project, ".flox") in active:
                e = Entry(f.project, "ext", f.fp)
            elif f.allowed:
                e = Entry(f.project, "start", f.fp)
            else:
                d.say.append(_not_allowed(f))
                e = Entry(f.project, "no", f.fp)
        elif e.st == "on" and not f.allowed:  # edited (or denied) while on
            if f.changed:
                d.say.append(_not_allowed(f))
            e = Entry(f.project, "drop", f.fp, e.rec)
        elif e.st == "on" and f.fp != e.fp:  # edited and allowed again: start afresh
            e = Entry(f.project, "restart", f.fp, e.rec)
        elif e.st in ("no", "off", "err") and f.allowed and (e.st == "no" or f.fp != e.fp):
            e = Entry(f.project, "start", f.fp)  # allowed now, or edited and allowed again
        wanted.append((f, e))
    # What stays on is the run of unchanged entries from the outermost
    # folder; every activation of ours after it is undone, then started again
    # where still wanted, so the stack keeps the folders' order.
    kept: list[Entry] = []
    for _, e in wanted:
        if e.st in ("start", "restart", "drop"):
            break
        if e.st == "on":
            kept.append(e)
    ours_on = [e for e in state if e.st == "on"]
    d.undo = [e for e in ours_on if e not in kept][::-1]
    undone = {e.project for e in d.undo}
    for f, e in wanted:
        if e.st in ("start", "restart") or (e.st == "on" and e.project in undone):
            d.start.append(f)
            d.state.append(Entry(f.project, "on", f.fp))
        elif e.st == "drop":
            d.state.append(Entry(f.project, "no", f.fp))
        else:
            d.state.append(e)
    return d


def _not_allowed(f: Found) -> str:
    shown = home_short(os.path.join(f.project, ".flox"))
    if f.changed:
        return (
            f"{shown} changed since it was allowed: it is not allowed to activate "
            'automatically; run "activate allow" to allow it again'
        )
    return f'{shown} is not allowed to activate automatically; run "activate allow" to allow it'


def home_short(path: str) -> str:
    """`path` with the home folder written `~`."""
    from .state import home

    h = home().rstrip("/")
    if h and (path == h or path.startswith(h + "/")):
        return "~" + path[len(h) :]
    return path


# A shell's state lives in the shell itself, in the variable the hook passes
# to `activate hook-env SHELL STATE` and the printed code sets again: it dies
# with the shell, and keeping it costs no file write (replacing a file on
# ext4 flushes it: a tenth of a millisecond or more). Each field is written
# in hex (any byte of a path survives every shell, unquoted even), fields
# joined by "." and entries by ":".
STATE_VAR = "_activate_auto_state"


def encode_state(entries: list[Entry]) -> str:
    """The state `entries` as the shell keeps it."""
    return ":".join(
        ".".join(os.fsencode(x).hex() for x in (e.project, e.st, e.fp, e.rec)) for e in entries
    )


def decode_state(text: str) -> list[Entry]:
    """The entries of the state `text` (none when it is empty or damaged)."""
    out = []
    for item in text.split(":") if text else ():
        fields = item.split(".")
        if len(fields) != 4:
            return []
        try:
            out.append(Entry(*(os.fsdecode(bytes.fromhex(x)) for x in fields)))
        except ValueError:
            return []
    return out


# The shell's stamp file: its time is when `activate hook-env` last looked;
# the hook's `-nt` tests compare the watched files with it.
def stamp_file(shell_pid: int, token: str) -> str:
    """The stamp file of the shell `shell_pid` (start token `token`)."""
    return os.path.join(state_root(), "auto", f"{shell_pid}-{token}")


def touch(path: str, stamp_ns: int) -> bool:
    """Date the stamp file `stamp_ns` (when this run started: a file changed
    after that is newer than the stamp, and seen at the next prompt),
    creating it (private) the first time; True when it was created."""
    try:
        os.utime(path, ns=(stamp_ns, stamp_ns))
        return False
    except FileNotFoundError:
        pass
    makedirs_private(os.path.dirname(path))
    os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_NOFOLLOW | os.O_CLOEXEC, 0o600))
    os.utime(path, ns=(stamp_ns, stamp_ns))
    return True


def prune(folder: str, keep: str) -> None:
    """Remove the stamp files of shells that are gone."""
    from . import procs

    try:
        names = os.listdir(folder)
    except OSError:
        return
    for name in names:
        pid, _, token = name.partition("-")
        path = os.path.join(folder, name)
        if path != keep and pid.isdigit() and not procs.alive(int(pid), token):
            try:
                os.unlink(path)
            except OSError:
                pass
