"""`[profile]` code as files each shell sources, checked by that shell first.

`[profile] common` is sourced by every shell, yet real manifests write it in
bash syntax, which fish and tcsh cannot parse (fish then abandons the whole
file). So each snippet is written to a file once per manifest version and
shell, and that shell's own parser checks it (`bash -n`, `zsh -n`,
`fish --no-execute`, `tcsh -n`). A snippet the shell rejects is not sourced
there, and stderr says so, with the shell's message and what to do.
"""

from __future__ import annotations

import os

from .bundled import capture, which
from .errors import warn
from .manifest import Manifest, find_key_line
from .state import read_file, write_atomic

# Parse without running, and without reading any startup file.
_CHECK = {
    "bash": ["-n"],
    "zsh": ["-f", "-n"],
    "fish": ["--no-config", "--no-execute"],
    "tcsh": ["-f", "-n"],
}


def files(
    manifest: Manifest, shell: str, stem: str, path_env: str | None, prefix: str = ""
) -> list[str]:
    """Files holding `[profile] common` then `[profile] <shell>` (with `prefix`,
    e.g. `deactivate-common`) that `shell` accepts; `stem` is where in the
    state directory they go."""
    out = []
    for key in (prefix + "common", prefix + shell):
        # A composed manifest's key comes in pieces (included first), each
        # checked and named on its own.
        for index, (source, text) in enumerate(manifest.profile_parts(key)):
            if not text or not text.strip():
                continue
            path = f"{stem}.profile-{key}.{shell}" + (f".{index}" if index else "")
            if os.path.exists(path):
                out.append(path)
                continue
            rejected = path + ".rejected"  # holds the message, repeated at every activation
            message = read_file(rejected)
            if message is None:
                write_atomic(path, text.encode("utf-8", "surrogateescape") + b"\n")
                problem = _syntax_error(shell, path, path_env)
                if problem is None:
                    out.append(path)
                    continue
                message = _explain(source, key, shell, problem).encode()
                write_atomic(rejected, message)
                os.unlink(path)
            warn(message.decode())
    return out


def _explain(manifest_path: str, key: str, shell: str, problem: str) -> str:
    text = (read_file(manifest_path) or b"").decode("utf-8", "replace")
    line = find_key_line(text, ("profile", key))
    where = manifest_path + (f", line {line}" if line else "")
    advice = f"put {shell} code in [profile] {shell}" if key == "common" else "fix its syntax"
    return f"[profile] {key} ({where}) is not valid {shell}, so {shell} does not source it: {problem}; {advice}"


def _syntax_error(shell: str, path: str, path_env: str | None) -> str | None:
    """The shell's first complaint about the file, or None if it parses
    (or if the shell is not installed to ask)."""
    program = which(shell, path_env)
    if program is None:
        return None
    env = {"PATH": path_env or os.defpath, "HOME": "/nonexistent", "LANG": "C.UTF-8"}
    status, message = capture([program, *_CHECK[shell], path], env)
    if status == 0:
        return None
    lines = [x.strip() for x in message.replace(path, "").splitlines() if x.strip()]
    return _tidy(lines[0]) if lines else f"{shell} rejected it"


def _tidy(first: str) -> str:
    """`line N: message` from bash's `: line N: m`, zsh's `:N: m`, fish's `F (line N): m`."""
    if "(line " in first:  # fish names the file its own way (e.g. with ~)
        number, _, rest = first.split("(line ", 1)[1].partition("): ")
        first = f"line {number}: {rest}"
    else:
        first = first.lstrip(": ")
        number, sep, rest = first.partition(":")
        if sep and number.isdigit():
            first = f"line {number}:{rest}"
    return first.rstrip(".")
