"""bash: POSIX quoting; started with --rcfile (interactive) and BASH_ENV (-c)."""

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

NAME = "bash"
EXT = "bash"
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
    """Prefix PS1 in interactive shells; the original is kept so nesting never stacks.
    POSIX syntax (no `[[`): sh and dash evaluate this code too."""
    from . import prompt_label

    return (
        'case $- in *i*) if [ -z "${ACTIVATE_NO_PROMPT-}" ]; then '
        '[ -n "${_activate_ps1+x}" ] || _activate_ps1=${PS1-}; '
        f"PS1={quote(prompt_label(names))}$_activate_ps1; fi;; esac;"
    )


def startup(
    program: str, launch: str, command: str | None, environ: Mapping[str, str], bundled: str
) -> tuple[list[str], dict[str, str | None]]:
    """--rcfile replaces ~/.bashrc for interactive shells (ours sources it first);
    BASH_ENV covers non-interactive ones (`-c`, piped stdin)."""
    env: dict[str, str | None] = {
        "_ACTIVATE_LAUNCH": launch,
        "BASH_ENV": os.path.join(bundled, "bash", "env.bash"),
        "_ACTIVATE_BASH_ENV": environ.get("BASH_ENV"),
    }
    argv = [program, "--rcfile", os.path.join(bundled, "bash", "rc.bash")]
    if command is not None:
        argv = [program, "-c", command]
    return argv, env
