"""`activate --outside`: run a command as if no environment were active.

The outermost activation (one started where `_ACTIVATE_OUTSIDE` is not set)
saves the environment it started from, exactly, in a private file under the
state root named by its digest (`outside/KEY`), and every activation inside it
hands on `_ACTIVATE_OUTSIDE="KEY NAME NAME ..."`: the key and the names of
every variable an activation set, changed or unset (its built-ins, `.env`
files, `[vars]`, path lists and hook). In-place activations record it like any
other variable, so `deactivate` puts back the list of the level below.

`--outside` takes the current environment and gives each listed name (and
every `_ACTIVATE_*` bookkeeping variable) its value from the saved one, or
removes it where it was unset; the other variables keep their current values
(what the user or their shell changed since, `PWD`, `SHLVL`, ...).
"""

from __future__ import annotations

import os

from . import registry
from .activation import OUTSIDE, OUTSIDE_DIR, split_outside
from .errors import ActivateError
from .state import read_file, state_roots_to_read

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Mapping
    from typing import NoReturn

HINT_GONE = (
    "it is removed when no activation used it for 30 days or when the state folder is "
    "cleared (at logout, for $XDG_RUNTIME_DIR); leave the active environments (exit, or "
    "deactivate) and activate again, or open a new terminal"
)


def environment(environ: Mapping[str, str]) -> dict[str, str]:
    """`environ` as it would be outside every active environment."""
    value = environ.get(OUTSIDE)
    if value is None:
        active = environ.get("FLOX_ENV") or environ.get("_FLOX_ACTIVE_ENVIRONMENTS")
        if active:
            raise ActivateError(
                f"an environment is active (FLOX_ENV={environ.get('FLOX_ENV', '')}) "
                f"but {OUTSIDE} is not set: it was not activated by this activate "
                "(by Flox, or by an older activate), so the environment it started from is unknown",
                hint="leave that environment (exit) to run commands outside it",
            )
        return dict(environ)  # nothing is active: the command runs as it is
    key, names = split_outside(value)
    if not key:
        raise ActivateError(
            f"{OUTSIDE} is not a value activate wrote: {value[:60]!r}",
            hint=f"unset {OUTSIDE} if you set it; otherwise leave the active environments and activate again",
        )
    before = _saved(key)
    out = dict(environ)
    restored = {*names, *(n for n in environ if n.startswith("_ACTIVATE_"))}
    for name in restored:
        if name in before:
            out[name] = before[name]
        else:
            out.pop(name, None)
    return out


def _saved(key: str) -> dict[str, str]:
    """The environment saved under `key` (looked for in every state root)."""
    roots = state_roots_to_read()
    for root in roots:
        path = os.path.join(root, OUTSIDE_DIR, key)
        raw = read_file(path)
        if raw is None:
            continue
        data = registry.decode(raw)
        saved = data.get("environ") if data is not None and data.get("v") == 1 else None
        if not isinstance(saved, dict):
            raise ActivateError(
                f"the saved environment {path} is damaged",
                hint=f"remove it; then {HINT_GONE.split('; ', 1)[1]}",
            )
        try:
            os.utime(path)  # in use: kept by the clean-up
        except OSError:
            pass
        return saved
    where = os.path.join(roots[0] if roots else "<state folder>", OUTSIDE_DIR, key)
    raise ActivateError(
        f"the environment the outermost activation started from is no longer saved ({where} is gone)",
        hint=HINT_GONE,
    )


def run_command(argv: tuple[str, ...]) -> NoReturn:
    """exec `argv` outside every active environment (no shell, argv untouched)."""
    from .launch import exec_program

    exec_program(argv[0], list(argv), environment(os.environ))


def run_code(code: str) -> NoReturn:
    """Run `code` with the user's shell (`SHELL -c CODE`, no `[profile]`)
    outside every active environment."""
    from . import detect
    from .launch import exec_program

    env = environment(os.environ)
    choice = detect.choose(None, env)
    program = detect.program(choice, env.get("PATH"))
    exec_program(program, [program, "-c", code], env)
