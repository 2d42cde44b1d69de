"""Render plan operations as one shell's code (pure functions)."""

from __future__ import annotations

from .operations import Op, PathEdit, Prompt, SetVar, Source, UnsetVar

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence

    from .shells import Shell


def ops(shell: Shell, operations: Sequence[Op]) -> str:
    """Each operation as one statement of `shell`, one per line, each ending in `;`."""
    lines = []
    for op in operations:
        if isinstance(op, SetVar):
            lines.append(shell.set_var(op.name, op.value))
        elif isinstance(op, UnsetVar):
            lines.append(shell.unset_var(op.name))
        elif isinstance(op, PathEdit):
            lines.append(shell.path_edit(op))
        elif isinstance(op, Source):
            lines.append(shell.source(op.path))
        elif isinstance(op, Prompt):
            lines.append(shell.prompt(op.names))
    return "".join(line if line.endswith("\n") else line + "\n" for line in lines)


def reapply(plan: Sequence[Op], final: Mapping[str, str]) -> list[Op]:
    """The plan as it is run again after the user's rc files in a new shell.

    Variables are set to the values the shell started with; PATH is edited
    relative to what the rc files left, so entries they added are kept and
    the activation's entries come first again.
    """
    out: list[Op] = []
    done: set[str] = set()
    for op in plan:
        if isinstance(op, PathEdit) and op.name == "PATH":
            out.append(op)
        elif isinstance(op, PathEdit | SetVar):
            if op.name in final and op.name not in done:
                out.append(SetVar(op.name, final[op.name]))
                done.add(op.name)
        elif isinstance(op, UnsetVar) and op.name not in final:
            out.append(op)
    return out


def launch(
    shell: Shell,
    plan: Sequence[Op],
    final: Mapping[str, str],
    profile: Sequence[str],
    names: str,
    self_path: str,
    rm: str,
    command: str,
    not_provided: Sequence[tuple[str, str]] = (),
    *,
    shell_dir: str,
) -> str:
    """A new shell's activation code, sourced after its rc files; it deletes
    itself first (with `rm`, an absolute path). It defines `deactivate`,
    which runs `command deactivate` to say that `exit` leaves this shell.
    `not_provided`: (command, message) pairs said after `command not found`
    (see missing.commands). `shell_dir`: the bundled shell/ folder."""
    body = [shell.remove_file(self_path, rm)]
    steps = reapply(plan, final)
    edits_path = any(isinstance(op, PathEdit) for op in steps)
    if edits_path:
        body.append(shell.HELPERS.rstrip("\n"))
    body.append(ops(shell, steps).rstrip("\n"))
    if edits_path:
        body.append(shell.HELPERS_CLEANUP)
    body.append(shell.define_deactivate(command).rstrip("\n"))
    if not_provided:
        body.append(shell.not_provided(not_provided).rstrip("\n"))
    body += profile_and_prompt(shell, profile, names, shell_dir)
    return "\n".join(b for b in body if b) + "\n"


def profile_and_prompt(
    shell: Shell,
    profile: Sequence[str],
    names: str,
    shell_dir: str,
    around: tuple[str, str] = ("", ""),
) -> list[str]:
    """Setting the prompt and sourcing the profile files, in the shell's
    order, each piece without its last newline ("" for no profile). Around
    the sourcing: what the profile exports is noted, for `activate --outside`
    to restore it too; and within that, `around` (an in-place activation's
    tracking of what the profile defines)."""
    sourced = ""
    if profile:
        pieces = [
            shell.note_profile("start", shell_dir),
            around[0],
            ops(shell, [Source(p) for p in profile]),
            around[1],
            shell.note_profile("end", shell_dir),
        ]
        sourced = "\n".join(p.rstrip("\n") for p in pieces if p)
    shown = ops(shell, [Prompt(names)]).rstrip("\n")
    return [shown, sourced] if shell.PROMPT_FIRST else [sourced, shown]
