"""zsh: POSIX quoting; started with ZDOTDIR pointing at activate's startup files."""

from __future__ import annotations

import os

from .posix import (
    HELPERS,
    HELPERS_CLEANUP,
    path_edit,
    quote,
    remove_file,
    set_var,
    source,
    unset_var,
)

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Mapping

NAME = "zsh"
EXT = "zsh"
PROMPT_FIRST = False
__all__ = [
    "HELPERS",
    "HELPERS_CLEANUP",
    "path_edit",
    "quote",
    "remove_file",
    "set_var",
    "source",
    "unset_var",
]


def prompt(names: str) -> str:
    """Prefix PS1 in interactive shells, keeping the original so nesting never stacks."""
    from . import prompt_label

    return (
        'if [[ -o interactive ]] && [[ -z "${ACTIVATE_NO_PROMPT-}" ]]; then '
        "(( ${+_activate_ps1} )) || _activate_ps1=$PS1; "
        f"PS1={quote(prompt_label(names))}$_activate_ps1; fi;"
    )


def startup(
    program: str, launch: str, command: str | None, environ: Mapping[str, str], bundled: str
) -> tuple[list[str], dict[str, str | None]]:
    """zsh has no rcfile flag: its files are read from $ZDOTDIR, so ZDOTDIR points at
    bundled files that chain to the user's (the original ZDOTDIR travels along)."""
    env: dict[str, str | None] = {
        "_ACTIVATE_LAUNCH": launch,
        "ZDOTDIR": os.path.join(bundled, "zsh"),
        "_ACTIVATE_ZDOTDIR": environ.get("ZDOTDIR"),
    }
    argv = [program] if command is None else [program, "-c", command]
    return argv, env
