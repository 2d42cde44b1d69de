"""Hand over to what the user asked for: a command, printed code, or a shell."""

from __future__ import annotations

import os
import sys

from . import bundled
from .errors import EXIT_NOT_EXECUTABLE, EXIT_NOT_FOUND, ActivateError

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Mapping
    from typing import NoReturn

    from .activation import Activation
    from .detect import ShellChoice


def run_command(act: Activation, argv: tuple[str, ...]) -> NoReturn:
    """exec `argv` in the activated environment: no shell, no profile, argv untouched."""
    try:
        exec_program(argv[0], list(argv), act.final)
    except ActivateError as e:
        if e.status == EXIT_NOT_FOUND:  # the error path only: say which [install] entry it was
            from . import missing

            e.hint = missing.provider(act.manifest, argv[0])
        raise


def print_code(act: Activation, choice: ShellChoice) -> int:
    """Print code that activates the calling shell in place, recording how to
    undo it (`activate deactivate`)."""
    return emit(act.root, choice.kind, inplace_code(act, choice.kind))


def start_services(act: Activation) -> None:
    """Start the manifest's services when this activation is to (-s, or
    auto-start on a fresh start); only then is the services code imported,
    so an attach never loads it."""
    if act.start_services:
        from .services import control

        control.start_with(act)


def inplace_code(act: Activation, kind: str) -> str:
    """The code that activates the calling shell (`kind`) in place; the undo
    record is written (`activate deactivate`, `undo_code`)."""
    from . import inplace, render
    from .operations import diff
    from .shells import SHELLS

    shell = SHELLS[kind]
    undo_profile = profile_files(act, kind, "deactivate-")
    depth, final = inplace.record(act, kind, undo_profile)
    act.final = final  # the record's id is in `_ACTIVATE_INPLACE` now
    profile = profile_files(act, kind)
    names = final.get("FLOX_PROMPT_ENVIRONMENTS", "")
    parts = [
        render.ops(shell, diff(act.environ, final)),
        shell.define_deactivate(inplace.command()),
    ]
    # what the profile defines is tracked, so deactivate can remove it
    tracked = (shell.track_start(), shell.track_end(depth))
    parts += render.profile_and_prompt(shell, profile, names, bundled.shell_dir(), tracked)
    return "".join(p if p.endswith("\n") else p + "\n" for p in parts if p)


def undo_code(
    root: str, kind: str, environ: Mapping[str, str], record_id: str
) -> tuple[str, dict[str, str]]:
    """The code that undoes the in-place activation `record_id` (the newest
    of `_ACTIVATE_INPLACE` in `environ`) in a shell of `kind`, and the
    environment after it. The record is removed and the shell's hold on the
    activation released. LookupError: the record is gone."""
    from . import inplace, render
    from .operations import Op, Prompt, Source, apply
    from .shells import SHELLS

    ops, undo_profile = inplace.undo(root, environ, record_id)
    shell = SHELLS[kind]
    depth = int(record_id.rsplit("/", 1)[1])
    after = apply(environ, ops)
    steps: list[Op] = [Source(p) for p in undo_profile]
    code = render.ops(shell, steps) + shell.forget(depth) + "\n" + render.ops(shell, ops)
    if not after.get(inplace.STACK, "").split():
        code += shell.undefine_deactivate() + "\n"
    code += render.ops(shell, [Prompt(after.get("FLOX_PROMPT_ENVIRONMENTS", ""))])
    return code, after


def emit(root: str, kind: str, code: str) -> int:
    """Write code for the calling shell to evaluate on stdout (for tcsh, a
    `source` line naming a private file that deletes itself)."""
    from .shells import SHELLS
    from .state import write_all

    shell = SHELLS[kind]
    if kind == "tcsh":
        # eval "`...`" joins lines and mangles `!` and newlines: source a file instead.
        from .state import reserve_private_file, write_fd

        path, fd = reserve_private_file(root, shell.EXT)
        write_fd(fd, shell.remove_file(path, bundled.system_program("rm")) + "\n" + code)
        code = shell.source(path) + "\n"
    # Straight to fd 1: a failed write leaves nothing in Python's buffer to fail again at exit.
    try:
        write_all(1, code.encode("utf-8", "surrogateescape"))
    except BrokenPipeError:
        raise
    except OSError as e:
        raise ActivateError(f"cannot write the activation code to stdout: {e.strerror}") from None
    return 0


def print_json(act: Activation) -> int:
    """Print the activation's variables as a JSON object (null = unset), for
    editors and tools: the format of `direnv export json`."""
    import json

    from .operations import SetVar, UnsetVar, diff

    changes: dict[str, str | None] = {}
    for op in diff(act.environ, act.final):
        if isinstance(op, SetVar | UnsetVar):
            changes[op.name] = op.value if isinstance(op, SetVar) else None
    text = json.dumps(changes, ensure_ascii=False, indent=2, sort_keys=True) + "\n"
    sys.stdout.buffer.write(
        text.encode("utf-8", "surrogateescape")
    )  # bytes exactly as in the environment
    sys.stdout.flush()
    return 0


def start_shell(act: Activation, choice: ShellChoice, program: str, code: str | None) -> NoReturn:
    """exec the user's shell (`program`): its rc files, then the activation
    again, the profile and the prompt; with `code`, run it like `-c`."""
    from . import inplace, render
    from .shells import SHELLS
    from .state import reserve_private_file, write_fd

    shell = SHELLS[choice.kind]
    path, fd = reserve_private_file(act.root, shell.EXT)
    names = act.final.get("FLOX_PROMPT_ENVIRONMENTS", "")
    profile = profile_files(act, choice.kind)
    rm = bundled.system_program("rm")
    hints: list[tuple[str, str]] = []
    if act.manifest.packages:
        from . import missing

        hints = missing.commands(act.manifest)
    command = inplace.command()
    shell_dir = bundled.shell_dir()  # looked up once: it checks the folder is there
    write_fd(
        fd,
        render.launch(
            shell,
            act.plan,
            act.final,
            profile,
            names,
            path,
            rm,
            command,
            hints,
            shell_dir=shell_dir,
        ),
    )
    argv, changes = shell.startup(program, path, code, act.environ, shell_dir)
    env = dict(act.final)
    for name, value in changes.items():
        if value is None:
            env.pop(name, None)
        else:
            env[name] = value
    from . import outside  # loaded already: activation uses it

    outside.add_names(env, changes)  # HOME, ZDOTDIR, ...: the shell's start-up restores them
    exec_program(program, argv, env)


def run_outside(argv: tuple[str, ...]) -> NoReturn:
    """exec `argv` outside every active environment (`--outside --`): no shell,
    argv untouched."""
    from . import outside

    env = outside.environment(os.environ)
    try:
        exec_program(argv[0], list(argv), env)
    except ActivateError as e:
        if e.status == EXIT_NOT_FOUND and env.get("PATH") != os.environ.get("PATH"):
            e.hint = "it was looked for on PATH as it was before the activations"
        raise


def run_outside_code(code: str) -> NoReturn:
    """Run `code` with the user's shell (`SHELL -c CODE`: its own start-up
    files, no `[profile]`) outside every active environment (`--outside -c`)."""
    from . import detect, outside

    env = outside.environment(os.environ)
    choice = detect.choose(None, env)  # FLOX_SHELL as it was outside, the parent shell, SHELL
    program = detect.program(choice, env.get("PATH"))
    exec_program(program, [program, "-c", code], env)


def profile_files(act: Activation, shell: str, prefix: str = "") -> list[str]:
    """The `[profile]` files `shell` sources (common, then its own; with
    prefix "deactivate-", the code run when leaving an in-place activation)."""
    from . import profile

    stem = os.path.join(act.group_dir, act.manifest_key)
    return profile.files(act.manifest, shell, stem, act.environ.get("PATH"), prefix)


def exec_program(program: str, argv: list[str], env: dict[str, str]) -> NoReturn:
    """exec `program` (found on `env`'s PATH, as a shell would) with `argv` and `env`."""
    import _signal  # type: ignore[import-not-found]  # `signal` imports enum: +5 ms

    # Python ignores SIGPIPE and SIGXFSZ; an ignored signal stays ignored across exec.
    for sig in (_signal.SIGPIPE, _signal.SIGXFSZ):
        _signal.signal(sig, _signal.SIG_DFL)
    path = bundled.which(program, env.get("PATH"))  # not os.execvpe: it imports warnings
    if path is None:
        dirs = [""] if "/" in program else env.get("PATH", "").split(":")
        if any(os.path.isfile(os.path.join(d or ".", program)) for d in dirs):
            raise ActivateError(f"{program}: permission denied", status=EXIT_NOT_EXECUTABLE)
        raise ActivateError(f"{program}: command not found", status=EXIT_NOT_FOUND)
    sys.stdout.flush()
    sys.stderr.flush()
    try:
        os.execve(path, argv, env)
    except OSError as e:
        if e.errno == 8:  # ENOEXEC, a script without #!: like the shells, run it with sh
            os.execve("/bin/sh", ["/bin/sh", path, *argv[1:]], env)
        error = ActivateError(f"{program}: cannot run: {e.strerror}", status=EXIT_NOT_EXECUTABLE)
        if e.errno == 7:  # E2BIG
            error.details = _too_big(env)
            error.hint = "Linux allows 128 KiB per variable, and about 2 MiB for all of them with the arguments"
        raise error from None


def _too_big(env: dict[str, str]) -> tuple[str, ...]:
    """The variables over Linux's 128 KiB limit for one string, else the total."""
    sizes = {k: len(f"{k}={v}".encode("utf-8", "surrogateescape")) + 1 for k, v in env.items()}
    big = sorted(
        (k for k, n in sizes.items() if n > 128 * 1024), key=sizes.__getitem__, reverse=True
    )
    if big:
        return tuple(f"{k} is {sizes[k] // 1024} KiB" for k in big[:3])
    return (f"the environment holds {sum(sizes.values()) // 1024} KiB",)
