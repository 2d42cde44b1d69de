"""The `activate` command line: parse it against the command table, then
activate (the ways of `activate` itself) or run a subcommand's module."""

from __future__ import annotations

import os
import sys

from .errors import EXIT_FAILURE, EXIT_INTERRUPTED, ActivateError, UsageError, report

TYPE_CHECKING = False
if TYPE_CHECKING:  # imported where used: the prompt hook's call skips the grammar
    from .grammar import HelpRequest, Invocation, Request


def _hook_env_call(args: list[str]) -> tuple[str, str] | None:
    """(shell, state) of the prompt hook's own call, `activate hook-env SHELL
    STATE` (exactly that), which skips the command table and the grammar:
    importing them costs half a millisecond of entering a project."""
    if len(args) == 3 and args[0] == "hook-env":
        from .shells import SHELLS

        if args[1] in SHELLS:
            return args[1], args[2]
    return None


def parse(args: list[str]) -> Request | Invocation | HelpRequest | str:
    """A way of activating, a subcommand, a request for help, or "version"."""
    from . import commands
    from .grammar import (
        HELP_FLAGS,
        HelpRequest,
        Invocation,
        Request,
        find_option,
        parse_command,
        take_value,
    )

    given: dict[str, tuple[str, str]] = {}  # key -> (as typed, value)
    action, flag = "shell", ""
    argv: tuple[str, ...] = ()
    code: str | None = None
    outside = ""  # "--outside" as typed, when given
    services: tuple[str, str] | None = None  # (as typed, "start" or "no")
    i = 0
    while i < len(args):
        arg = args[i]
        i += 1
        if arg == "--":
            _one_action(action, flag, "--")
            action, argv = "command", tuple(args[i:])
            if not argv:
                raise UsageError("-- needs a command to run")
            break
        if arg in HELP_FLAGS:
            return HelpRequest(())
        if arg == "--version":
            return "version"
        if arg.startswith("-") and arg != "-":
            name, eq, inline = arg.partition("=") if arg.startswith("--") else (arg, "", "")
            opt = find_option(commands.TOP.options, name)
            if opt is None:
                raise UsageError(f"unknown option {arg}")
            if name == OUTSIDE:  # goes with -- or -c (checked at the end)
                if outside:
                    raise UsageError(f"{OUTSIDE} given twice")
                outside = name
                continue
            if opt.value is None and name in commands.SWITCHES:  # -s, --no-start-services
                if services is not None:
                    raise UsageError(f"{name} cannot be combined with {services[0]}")
                services = (name, commands.SWITCHES[name])
                continue
            if opt.value is None:  # --print
                _one_action(action, flag, name)
                action, flag = commands.ACTIONS[name], name
                continue
            value, used = take_value(opt, name, inline if eq else None, args[i:])
            i += used
            if name == "-c":
                _one_action(action, flag, name)
                action, flag, code = "code", name, value
            elif opt.key in given:
                raise UsageError(f"{name} given twice")
            else:
                given[opt.key] = (name, value)
            continue
        entry = commands.lookup(arg)
        if entry is not None and action == "shell" and not outside:
            if services is not None:
                raise UsageError(f"{services[0]} is for activating, not for `activate {arg}`")
            inv = parse_command(entry, args[i:], given)
            if isinstance(inv, Invocation):
                _dir_or_file(inv.options, inv.path)
            return inv
        how = f"activate {outside} -- {arg}" if outside else f"activate -- {arg}"
        raise UsageError(f"unexpected argument {arg!r} (to run a command: {how} ...)")
    if outside:
        _outside_alone(action, flag, given)
        if services is not None:
            raise UsageError(f"{OUTSIDE} cannot be combined with {services[0]}")
    values = {key: value for key, (_, value) in given.items()}
    _dir_or_file(values, ())
    return Request(
        action=action,
        directory=values.get("dir"),
        file=values.get("file"),
        mode=values.get("mode"),
        shell=values.get("shell"),
        argv=argv,
        code=code,
        outside=bool(outside),
        services=services[1] if services else None,
    )


OUTSIDE = "--outside"


def _outside_alone(action: str, flag: str, given: dict[str, tuple[str, str]]) -> None:
    """--outside goes with `-- CMD` or `-c CODE` and nothing else: no
    environment is named, so no option that chooses one means anything."""
    if action not in ("command", "code"):
        if action == "print":
            raise UsageError(f"{OUTSIDE} cannot be combined with {flag}")
        raise UsageError(f"{OUTSIDE} needs a command: activate {OUTSIDE} -- CMD [ARGS] or -c CODE")
    for typed, _ in given.values():
        raise UsageError(f"{OUTSIDE} cannot be combined with {typed}")


def _dir_or_file(options: dict[str, str], path: tuple[str, ...]) -> None:
    if "dir" in options and "file" in options:
        raise UsageError("give either -d DIR or -f FILE, not both", path)


def _one_action(action: str, flag: str, new: str) -> None:
    if action != "shell":
        raise UsageError(f"{new} cannot be combined with {flag}")


def _interrupted(signum: int, frame: object) -> None:
    """SIGINT: stop with KeyboardInterrupt, once. A second one (timeout(1)
    signals the process and then its group) must not cut the way out short
    with a traceback."""
    import _signal  # type: ignore[import-not-found]  # `signal` imports enum

    _signal.signal(_signal.SIGINT, _signal.SIG_IGN)
    raise KeyboardInterrupt


def main(args: list[str] | None = None) -> int:
    """Entry point of the `activate` command."""
    import _signal  # built in, loaded at start-up: free

    _signal.signal(_signal.SIGINT, _interrupted)
    try:
        args = sys.argv[1:] if args is None else args
        hook_call = _hook_env_call(args)
        if hook_call is not None:
            from . import prompt

            return prompt.update(*hook_call)
        from .grammar import HelpRequest, Invocation, Request

        request = parse(args)
        if isinstance(request, Request):
            return _activate(request)
        if isinstance(request, HelpRequest):
            from .commands import help

            return help.show(request.path)
        if isinstance(request, Invocation):
            return _run_subcommand(request)
        from . import __version__

        sys.stdout.write(f"activate {__version__}\n")
        return 0
    except ActivateError as e:
        report(e)
        return e.status
    except KeyboardInterrupt:
        sys.stderr.write("activate: interrupted\n")
        return EXIT_INTERRUPTED
    except BrokenPipeError:
        return EXIT_FAILURE
    except OSError as e:
        # The machine stopped us (a read-only or full folder, ...): say what and where.
        if os.environ.get("ACTIVATE_DEBUG"):
            raise
        report(_os_error(e))
        return EXIT_FAILURE
    except Exception as e:  # a bug: say so in one screen, traceback only on request
        if os.environ.get("ACTIVATE_DEBUG"):
            raise
        report(
            ActivateError(
                f"internal error: {type(e).__name__}: {e}",
                hint="this is a bug in activate; rerun with ACTIVATE_DEBUG=1 for the traceback and report it",
            )
        )
        return EXIT_FAILURE


def _os_error(e: OSError) -> ActivateError:
    """An error the file system gave, as the user should see it."""
    where = f" {e.filename}" if e.filename else ""
    return ActivateError(
        f"cannot write or read{where}: {e.strerror or e}",
        hint="check that the folder is writable and the disk is not full "
        "(XDG_RUNTIME_DIR and XDG_CACHE_HOME choose where activate keeps its state)",
    )


def _run_subcommand(inv: Invocation) -> int:
    """Run `activate <subcommand> ...` through its module in commands/."""
    module = __import__(f"activator.commands.{inv.path[0].replace('-', '_')}", fromlist=["run"])
    status: int = module.run(inv)
    return status


def _activate(req: Request) -> int:
    if req.outside:
        from . import launch

        if req.action == "command":
            launch.run_outside(req.argv)
        assert req.code is not None
        launch.run_outside_code(req.code)
    from . import activation, launch

    in_place = req.action == "print"
    if in_place and req.shell == "json":
        act = activation.prepare(
            req.directory, req.file, req.mode, False, req.services, mark_outside=False
        )
        launch.start_services(act)
        return launch.print_json(act)
    choice = program = None
    if req.action != "command" or req.shell is not None:
        from . import detect

        choice = detect.choose(req.shell, os.environ)
        if req.action in ("shell", "code"):
            program = detect.program(choice, os.environ.get("PATH"))  # before the hook runs
    act = activation.prepare(req.directory, req.file, req.mode, in_place, req.services)
    launch.start_services(act)
    if req.action == "command":
        launch.run_command(act, req.argv)
    assert choice is not None
    if in_place:
        return launch.print_code(act, choice)
    assert program is not None
    launch.start_shell(act, choice, program, req.code)
