"""Run `[hook] on-activate` with the bundled activate.bash and record its changes.

bash runs as a child of activate, with its stdout and stderr on a pipe that
activate passes on to its own stderr (see relay.py: bash's own messages then
name the manifest, not the hook's private copy); it dumps the exported variables
before and after the hook (NUL-separated, so multi-line values survive) and
writes how the hook ended. The difference becomes plan operations: path
lists as entries added/removed, so replaying them onto another shell never
copies this shell's whole PATH.
"""

from __future__ import annotations

import os

from . import bundled, operations, relay
from .errors import EXIT_HOOK_ENDED_EARLY, EXIT_INTERRUPTED, ActivateError, stderr_is_terminal
from .manifest import Manifest
from .operations import Op
from .state import read_file, remove, write_atomic

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable, Mapping

# Variables bash itself sets or changes; never part of what a hook did.
_IGNORED = frozenset({"_", "PWD", "OLDPWD", "SHLVL", "SHELLOPTS", "BASHOPTS"})
# Kept out of a `set -x` trace; after a blank line, so that a hook ending in
# a backslash (a continued line) cannot run into it.
_END_MARKER = "\n\n{ __activate_end=1; } 2>/dev/null\n"


def run(manifest: Manifest, env: Mapping[str, str], workdir: str, prelude: str = "") -> list[Op]:
    """Run the hook in `env`, after the bash code `prelude` (the activation
    scripts of conda packages); return their changes as plan operations."""
    # One file: the hook's pieces (of the manifest and those it includes) in
    # order, as Flox joins them; relay.py maps its lines back to each piece's
    # manifest and line in bash's messages.
    hook_file = os.path.join(workdir, os.path.basename(manifest.path))
    text = manifest.hook or ""  # composed: the included hooks' pieces, joined
    # The end marker is reached only when the hook runs to its end (not `return`, `exit`, `exec`).
    write_atomic(hook_file, (text + _END_MARKER).encode("utf-8", "surrogateescape"))
    prelude_file = os.path.join(workdir, "prelude")
    write_atomic(prelude_file, prelude.encode("utf-8", "surrogateescape"))
    for name in ("before", "after", "outcome", "names"):
        # Created 0600 here: they hold every exported value (secrets too), and
        # bash would create them with the user's umask.
        write_atomic(os.path.join(workdir, name), b"")
    bash = bundled.bash_program(env)
    argv = [
        bash,
        os.path.join(bundled.shell_dir(), "activate.bash"),
        hook_file,
        workdir,
        prelude_file,
    ]
    import _signal  # type: ignore[import-not-found]  # `signal` imports enum: +5 ms

    try:
        channel = relay.Channel(_rewriter(manifest, hook_file))
    except OSError as e:
        raise ActivateError(f"cannot run the hook: {e.strerror or e}") from None
    # Ctrl-C reaches the hook (same process group); activate waits and reports it.
    previous = _signal.signal(_signal.SIGINT, _signal.SIG_IGN)
    try:
        # An ignored signal stays ignored in a child: Python ignores SIGPIPE and
        # SIGXFSZ, and activate ignores SIGINT while it waits. The hook gets them back.
        defaults = (_signal.SIGINT, _signal.SIGPIPE, _signal.SIGXFSZ)
        actions = [(os.POSIX_SPAWN_DUP2, channel.fd, 1), (os.POSIX_SPAWN_DUP2, channel.fd, 2)]
        pid = os.posix_spawn(bash, argv, dict(env), file_actions=actions, setsigdef=defaults)
        status = channel.pump(pid, _spinner(hook_label(manifest)) if stderr_is_terminal() else None)
    finally:
        # Everything bash wrote is on stderr before activate writes any more.
        channel.close()
        _signal.signal(_signal.SIGINT, previous)
    outcome = read_file(os.path.join(workdir, "outcome")) or None  # empty: the hook exec'd
    try:
        _check(manifest, status, outcome)
    except ActivateError as e:
        if e.status == 2 and not e.details:
            syntax = _syntax_error(bash, hook_file, manifest, env)
            if syntax is not None:
                raise _syntax_report(manifest, *syntax) from None
        raise
    before = _read_dump(os.path.join(workdir, "before"))
    after = _read_dump(os.path.join(workdir, "after"))
    for name in ("before", "after", "outcome", "names", "prelude"):
        remove(os.path.join(workdir, name))
    remove(hook_file)
    return changes(before, after)


def _spinner(label: str) -> Callable[[float], bytes]:
    """The status line shown while a hook runs for more than 2 s on a terminal."""
    frames = "|/-\\"
    ticks = [0]

    def line(elapsed: float) -> bytes:
        text = f"{frames[ticks[0] % 4]} activate: running {label} ({elapsed:.0f}s)"
        ticks[0] += 1
        return text.encode("utf-8", "replace")

    return line


def _syntax_error(
    bash: str, hook_file: str, manifest: Manifest, env: Mapping[str, str]
) -> tuple[str, int, str] | None:
    """(manifest, line, message) if `bash -n` rejects the hook (checked only
    after a failure), placed as the relay shows bash's messages (line 0: unknown)."""
    status, err = bundled.capture([bash, "-n", hook_file], env)
    if status == 0:
        return None
    first = err.splitlines()[0] if err else ""
    _, found, rest = first.partition(f"{hook_file}: line ")
    number, _, message = rest.partition(": ")
    if not (found and number.isdigit()):
        return manifest.path, 0, first
    path, line = _rewriter(manifest, hook_file).where(int(number))
    return path, line, message


def _rewriter(manifest: Manifest, hook_file: str) -> relay.Rewriter:
    """Names each piece's manifest and line in bash's messages (bash counts
    the lines activate appends after the hook: they are the last piece's end)."""
    pieces = []
    start = 1
    for path, first, text in manifest.hook_parts() or [(manifest.path, 1, "")]:
        count = len(text.splitlines()) or 1
        pieces.append((start, path, first, count))
        start += len(text.split("\n"))  # joined with "\n": a piece ending in one adds a line
    return relay.Rewriter(hook_file, pieces)


def _syntax_report(manifest: Manifest, path: str, bash_line: int, message: str) -> ActivateError:
    # Already within the piece's lines: _rewriter moved it there, as in what bash printed.
    line = bash_line if bash_line > 0 else None
    source = None
    if line is not None:
        with open(path, encoding="utf-8", errors="replace") as f:
            source = f.read()
    return ActivateError(
        f"the hook ({hook_label(manifest)}) has a bash syntax error: {message}",
        path=path,
        line=line,
        source_text=source,
        hint="fix the shell syntax there (bash -n checks a script without running it)",
        status=2,
    )


def changes(before: Mapping[str, str], after: Mapping[str, str]) -> list[Op]:
    """The hook's changes to exported variables, as plan operations."""
    ops: list[Op] = []
    for name, value in after.items():
        if name in _IGNORED or before.get(name) == value:
            continue
        if operations.is_path_list(name):
            ops.append(operations.path_change(name, before.get(name), value))
        else:
            ops.append(operations.SetVar(name, value))
    ops.extend(operations.UnsetVar(n) for n in before if n not in after and n not in _IGNORED)
    return ops


def _read_dump(path: str) -> dict[str, str]:
    raw = read_file(path) or b""
    env = {}
    for item in raw.split(b"\0"):
        name, sep, value = item.partition(b"=")
        if sep:
            env[name.decode("utf-8", "surrogateescape")] = value.decode("utf-8", "surrogateescape")
    return env


def _check(manifest: Manifest, status: int, outcome: bytes | None) -> None:
    """Raise the right error unless the hook finished (or returned 0)."""
    where = f"the hook ({hook_label(manifest)}) in {manifest.path}"
    if os.WIFSIGNALED(status):
        sig = os.WTERMSIG(status)
        if sig == 2:
            raise ActivateError(f"interrupted while running {where}", status=EXIT_INTERRUPTED)
        raise ActivateError(f"{where} was killed by signal {sig}", status=128 + sig)
    code = os.WEXITSTATUS(status)
    if outcome is None:
        raise ActivateError(
            f"{where} ran `exec`, which replaced activate's hook runner; the activation stopped",
            hint="run the program without `exec` (or at the end of [profile], which your shell sources)",
            status=code or EXIT_HOOK_ENDED_EARLY,
        )
    head, _, failed = outcome.decode("utf-8", "replace").partition("\n")
    kind, _, num = head.partition(" ")
    n = int(num) if num.strip().isdigit() else 1
    if kind == "end" or (kind == "return" and n == 0):
        return
    details = _failed_command(manifest, failed)
    if code == EXIT_INTERRUPTED or n == EXIT_INTERRUPTED:
        raise ActivateError(f"interrupted while running {where}", status=EXIT_INTERRUPTED)
    if kind == "exit" and n == 0:
        raise ActivateError(
            f"{where} called `exit 0`, which ends the activation early",
            details=details,
            hint="use `return` to leave a hook early; `exit` ends activate itself",
            status=EXIT_HOOK_ENDED_EARLY,
        )
    verb = f"exited with status {n}" if kind == "exit" else f"returned {n}"
    hint = "fix the failing command, or end the hook with `true` if the failure is expected"
    if not details:  # an explicit `exit N`, or e.g. `set -u` meeting an unset variable
        hint = (
            f"look for `exit {n}` in the hook, or for bash's message above (its line"
            f" numbers are those of {os.path.basename(manifest.path)})"
        )
    raise ActivateError(f"{where} {verb}", details=details, hint=hint, status=n)


def _failed_command(manifest: Manifest, failed: str) -> tuple[str, ...]:
    line_text, _, command = failed.partition("\t")
    if not line_text.isdigit() or not command:
        return ()
    path, line = _rewriter(manifest, "").where(int(line_text))  # the piece it is in
    where = f"manifest line {line}" if path == manifest.path else f"{path}, line {line}"
    return (f"last failing command: {command.strip()} ({where})",)


def hook_label(manifest: Manifest) -> str:
    """`[hook] on-activate`, or `[hook] script` for older manifests."""
    return f"[hook] {manifest.hook_key}"
