"""fish: its own quoting (POSIX quoting breaks on a trailing `\\`); PATH is a list."""

from __future__ import annotations

from ..plan import PathEdit

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Mapping

NAME = "fish"
EXT = "fish"
HELPERS = ""  # path_edit is self-contained
HELPERS_CLEANUP = ""
PROMPT_FIRST = False


def quote(value: str) -> str:
    """Single quotes, with `\\` written `\\\\` and `'` written `\\'`: inside fish's
    single quotes those are the only two escapes."""
    return "'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'"


def set_var(name: str, value: str) -> str:
    """`set -gx NAME 'value';` (fish splits a *PATH value on `:` into its list)."""
    return f"set -gx {name} {quote(value)};"


def unset_var(name: str) -> str:
    """`set -e NAME;`"""
    return f"set -e {name};"


def source(path: str) -> str:
    """`source 'path';`"""
    return f"source {quote(path)};"


def remove_file(path: str) -> str:
    """`command rm` skips any function named rm."""
    return f"command rm -f -- {quote(path)};"


def path_edit(edit: PathEdit) -> str:
    """Rebuild $PATH (a list in fish): our entries moved to the front/back, once."""
    ours = " ".join(quote(e) for e in (*edit.front, *edit.back, *edit.remove))
    front = " ".join(quote(e) for e in edit.front)
    back = " ".join(quote(e) for e in edit.back)
    return (
        "set -l __activate_keep; "
        f"for __activate_e in $PATH; contains -- $__activate_e {ours}; "
        "or set -a __activate_keep $__activate_e; end; "
        f"set -gx PATH {front} $__activate_keep {back}; "
        "set -e __activate_keep;"
    )


def prompt(names: str) -> str:
    """Wrap fish_prompt once; a nested activation replaces the label, never stacks."""
    from . import prompt_label

    return (
        "if status is-interactive; and not set -q ACTIVATE_NO_PROMPT; "
        "if not functions -q __activate_fish_prompt; and functions -q fish_prompt; "
        "functions -c fish_prompt __activate_fish_prompt; end; "
        f"function fish_prompt; printf '%s' {quote(prompt_label(names))}; "
        "functions -q __activate_fish_prompt; and __activate_fish_prompt; end; end;"
    )


def startup(
    program: str, launch: str, command: str | None, environ: Mapping[str, str], bundled: str
) -> tuple[list[str], dict[str, str | None]]:
    """--init-command runs after config.fish, in interactive shells and with -c."""
    argv = [program, "--init-command", f"source {quote(launch)}"]
    if command is not None:
        argv += ["-c", command]
    return argv, {}
