"""Code shared by bash and zsh: POSIX single-quote quoting and exports."""

from __future__ import annotations

from ..operations import PathEdit

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Sequence


def quote(value: str) -> str:
    """Single quotes; a `'` is closed, escaped and reopened as `'\\''`."""
    return "'" + value.replace("'", "'\\''") + "'"


def set_var(name: str, value: str) -> str:
    """`export NAME='value';` (every statement ends with `;` for eval)."""
    return f"export {name}={quote(value)};"


def unset_var(name: str) -> str:
    """`unset NAME;`"""
    return f"unset {name};"


def set_list(name: str, values: Sequence[str]) -> str:
    """`NAME=('a' 'b');`: a shell variable (not exported) holding a list."""
    return f"{name}=(" + " ".join(quote(v) for v in values) + ");"


def source(path: str) -> str:
    """`. 'path';`"""
    return f". {quote(path)};"


def remove_file(path: str, rm: str) -> str:
    """`command RM` with rm's absolute path: no alias, function or PATH the
    user set (`[vars] PATH = "/x"`) changes which program runs."""
    return f"command {quote(rm)} -f -- {quote(path)};"


# Moves entries to the front/back of a colon list, without duplicates; kept
# entries stay in order and empty entries (meaning `.`) are left alone. Both
# bash and zsh run it unchanged: no arrays, no ${!name} or ${(P)name}.
HELPERS = r"""__activate_path_edit() {
  local __rest __e __out __n=0
  eval "__rest=\${$1-}"
  if [ -n "$__rest" ]; then __rest=$__rest:; fi
  __out=$2
  if [ -n "$2" ]; then __n=1; fi
  while [ -n "$__rest" ]; do
    __e=${__rest%%:*}
    __rest=${__rest#*:}
    if [ -n "$__e" ]; then
      case ":$2:$3:$4:" in *":$__e:"*) continue ;; esac
    fi
    if [ $__n = 1 ]; then __out=$__out:$__e; else __out=$__e; __n=1; fi
  done
  if [ -n "$3" ]; then
    if [ $__n = 1 ]; then __out=$__out:$3; else __out=$3; fi
  fi
  eval "export $1=\$__out"
}
"""


HELPERS_CLEANUP = "unset -f __activate_path_edit;"


def path_edit(edit: PathEdit) -> str:
    """A call of `__activate_path_edit` (defined by `HELPERS`)."""
    args = (":".join(edit.front), ":".join(edit.back), ":".join(edit.remove))
    return f"__activate_path_edit {edit.name} " + " ".join(quote(a) for a in args) + ";"


def not_provided(kind: str, ext: str, entries: Sequence[tuple[str, str]]) -> str:
    """The bundled not-found handler of bash or zsh, with `entries` as an array."""
    from ..bundled import template

    words = " ".join(quote(w) for pair in entries for w in pair)
    return template(kind, f"not-found.{ext}", words)


def define_deactivate(command: str, shell: str, exists: str) -> str:
    """A `deactivate` function (same code in bash and zsh) that runs `command
    deactivate --shell SHELL`, evaluates what it prints and returns its failure;
    defined only when the shell test `exists` is false, so a `deactivate`
    already there (a Python venv's) is left alone."""
    body = (
        f'set -- "$(command {quote(command)} deactivate --shell {shell})" "$?"; '
        '[ "$2" = 0 ] || return "$2"; eval "$1";'
    )
    return f"if {exists}; then :; else deactivate() {{ {body} }}; _activate_deactivate=1; fi;"
