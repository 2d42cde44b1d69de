"""bash: POSIX quoting; started with --rcfile (interactive) and BASH_ENV (-c)."""

from __future__ import annotations

import os

from .label import prompt_label
from .posix import (
    HELPERS,
    HELPERS_CLEANUP,
    path_edit,
    quote,
    remove_file,
    set_list,
    set_var,
    source,
    unset_var,
)
from .posix import define_deactivate as posix_deactivate
from .posix import not_provided as posix_not_provided

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence

NAME = "bash"
EXT = "bash"
PROMPT_FIRST = False
__all__ = [
    "EXT",
    "HELPERS",
    "HELPERS_CLEANUP",
    "NAME",
    "PROMPT_FIRST",
    "define_deactivate",
    "forget",
    "not_provided",
    "note_profile",
    "path_edit",
    "prompt",
    "quote",
    "remove_file",
    "set_list",
    "set_var",
    "source",
    "startup",
    "track_end",
    "track_start",
    "undefine_deactivate",
    "unset_var",
]


def prompt(names: str) -> str:
    """Prefix PS1 in interactive shells; the original is kept so nesting never stacks.
    POSIX syntax (no `[[`): sh and dash evaluate this code too."""
    if not names:  # the last environment left: the original prompt comes back
        return 'if [ -n "${_activate_ps1+x}" ]; then PS1=$_activate_ps1; unset _activate_ps1; fi;'
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


# Tracking what [profile] code defines (for deactivate). `compgen` lists names
# one per line; only bash itself runs this (sh and dash skip it).
def track_start() -> str:
    """Remember the functions, aliases and variables that exist now."""
    return (
        'if [ -n "${BASH_VERSION-}" ]; then '
        "__activate_had=$'\\n'\"$(compgen -A function; compgen -a; compgen -v)\"$'\\n'; fi;"
    )


def track_end(depth: int) -> str:
    """Record, as `_activate_defs_<depth>`, what was defined since `track_start`."""
    var = f"_activate_defs_{depth}"
    loop = (
        f"for __activate_n in $(compgen -A function -P f:; compgen -a -P a:; compgen -v -P v:); do "
        "case ${__activate_n#?:} in _activate*|__activate*|BASH*|FUNCNAME|PIPESTATUS|_) continue;; esac; "
        "case $__activate_had in *$'\\n'\"${__activate_n#?:}\"$'\\n'*) ;; "
        f'*) {var}="${{{var}-}} $__activate_n";; esac; done; '
    )
    return (
        f'if [ -n "${{BASH_VERSION-}}" ]; then {var}=; {loop}unset __activate_had __activate_n; fi;'
    )


def forget(depth: int) -> str:
    """Remove what `track_end` recorded."""
    var = f"_activate_defs_{depth}"
    return (
        f"for __activate_n in ${{{var}-}}; do case $__activate_n in "
        'f:*) unset -f "${__activate_n#f:}";; a:*) unalias "${__activate_n#a:}" 2>/dev/null;; '
        'v:*) unset "${__activate_n#v:}" 2>/dev/null;; esac; done; '
        f"unset __activate_n {var};"
    )


def define_deactivate(command: str) -> str:
    """A `deactivate` function running `command deactivate`, unless one exists."""
    return posix_deactivate(
        command, "bash", "{ declare -F deactivate || alias deactivate; } >/dev/null 2>&1"
    )


def undefine_deactivate() -> str:
    """Remove `deactivate`, if this activation defined it."""
    return 'if [ -n "${_activate_deactivate-}" ]; then unset -f deactivate; unset _activate_deactivate; fi;'


def not_provided(entries: Sequence[tuple[str, str]]) -> str:
    """`command_not_found_handle` that names what [install] did not provide."""
    return posix_not_provided("bash", "bash", entries)


def note_profile(phase: str, shell_dir: str) -> str:
    """Code run before (`phase` "start") and after ("end") the [profile]
    code: what it exports joins `_ACTIVATE_OUTSIDE` (shell/bash/outside.bash;
    only bash sources it, sh and dash skip it)."""
    path = quote(os.path.join(shell_dir, "bash", "outside.bash"))
    if phase == "start":
        return (
            'if [ -n "${BASH_VERSION-}" ] && [ -n "${_ACTIVATE_OUTSIDE-}" ]; '
            f"then __activate_x=start; . {path}; fi;"
        )
    return f'if [ -n "${{__activate_x-}}" ]; then . {path}; fi;'
