"""Hand over to what the user asked for: a command, printed code, or a shell."""

from __future__ import annotations

import os
import sys

from . import bundled, detect, render
from .activation import Activation, profile_files, reserve_private_file, write_fd
from .errors import EXIT_NOT_EXECUTABLE, EXIT_NOT_FOUND, ActivateError
from .plan import Op, diff
from .shells import SHELLS
from .state import write_all

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import NoReturn


def run_command(act: Activation, argv: tuple[str, ...]) -> NoReturn:
    """exec `argv` in the activated environment: no shell, no profile, argv untouched."""
    _exec(argv[0], list(argv), act.final)


def print_code(act: Activation, choice: detect.ShellChoice) -> int:
    """Print code that activates the calling shell in place."""
    shell = SHELLS[choice.kind]
    steps: list[Op] = [*diff(act.environ, act.final)]
    names = act.final.get("FLOX_PROMPT_ENVIRONMENTS", "")
    steps += render.profile_and_prompt(shell, profile_files(act, choice.kind), names)
    if choice.kind == "tcsh":
        # eval "`...`" joins lines and mangles `!` and newlines: source a file instead.
        path, fd = reserve_private_file(act, shell.EXT)
        write_fd(fd, shell.remove_file(path) + "\n" + render.ops(shell, steps))
        code = shell.source(path) + "\n"
    else:
        code = render.ops(shell, steps)
    # Straight to fd 1: a failed write leaves nothing in Python's buffer to fail again at exit.
    try:
        write_all(1, code.encode("utf-8", "surrogateescape"))
    except BrokenPipeError:
        raise
    except OSError as e:
        raise ActivateError(f"cannot write the activation code to stdout: {e.strerror}") from None
    return 0


def start_shell(
    act: Activation, choice: detect.ShellChoice, program: str, code: str | None
) -> NoReturn:
    """exec the user's shell (`program`): its rc files, then the activation
    again, the profile and the prompt; with `code`, run it like `-c`."""
    shell = SHELLS[choice.kind]
    path, fd = reserve_private_file(act, shell.EXT)
    names = act.final.get("FLOX_PROMPT_ENVIRONMENTS", "")
    write_fd(
        fd, render.launch(shell, act.plan, act.final, profile_files(act, choice.kind), names, path)
    )
    argv, changes = shell.startup(program, path, code, act.environ, bundled.shell_dir())
    env = dict(act.final)
    for name, value in changes.items():
        if value is None:
            env.pop(name, None)
        else:
            env[name] = value
    _exec(program, argv, env)


def _exec(program: str, argv: list[str], env: dict[str, str]) -> NoReturn:
    import _signal  # type: ignore[import-not-found]  # `signal` imports enum: +5 ms

    # Python ignores SIGPIPE and SIGXFSZ; an ignored signal stays ignored across exec.
    for sig in (_signal.SIGPIPE, _signal.SIGXFSZ):
        _signal.signal(sig, _signal.SIG_DFL)
    sys.stdout.flush()
    sys.stderr.flush()
    try:
        os.execvpe(program, argv, env)
    except FileNotFoundError:
        raise ActivateError(f"{program}: command not found", status=EXIT_NOT_FOUND) from None
    except PermissionError:
        raise ActivateError(f"{program}: permission denied", status=EXIT_NOT_EXECUTABLE) from None
    except OSError as e:
        raise ActivateError(
            f"{program}: cannot run: {e.strerror}", status=EXIT_NOT_EXECUTABLE
        ) from None
