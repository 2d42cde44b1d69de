"""`[vars]` values: `$NAME` / `${NAME}` references, resolved in Python.

Nothing here runs code. A value is split once into literal text and
references; resolution joins them against already-known values. The rules:

- `$NAME` and `${NAME}` refer to a variable (a `[vars]` entry, a variable
  activate sets, or the current environment; unset means empty).
- `\\$`, `` \\` `` and `\\\\` stand for `$`, a backtick and a backslash; any other
  backslash is literal.
- `$(...)`, `$((...))` and backticks are command substitution: an error.
- `${...}` with anything but a name inside is an error.
- A `$` not followed by a name, `{` or `(` is a literal dollar.
"""

from __future__ import annotations

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable, Mapping, Sequence


# A parsed value: literal strings and references, references as ("$", name).
Part = str | tuple[str, str]


class VarSyntaxError(ValueError):
    """A value that cannot be used; `offset` is where in the value it is."""

    def __init__(self, message: str, offset: int, hint: str) -> None:
        super().__init__(message)
        self.offset = offset
        self.hint = hint


_NAME_START = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ_")
_NAME_CHARS = _NAME_START | frozenset("0123456789")
_MOVE_TO_HOOK = (
    "[vars] values are never run; compute it in [hook] on-activate "
    '(e.g. export NAME="$(command)"), or write \\$ or \\` for a literal character'
)


def is_valid_name(name: str) -> bool:
    """True for a POSIX environment variable name: [A-Za-z_][A-Za-z0-9_]*."""
    return bool(name) and name[0] in _NAME_START and all(c in _NAME_CHARS for c in name)


def parse(value: str) -> list[Part]:
    """Split a `[vars]` value into literal text and references."""
    parts: list[Part] = []
    text: list[str] = []
    i, n = 0, len(value)
    while i < n:
        c = value[i]
        if c == "\\" and i + 1 < n and value[i + 1] in "$`\\":
            text.append(value[i + 1])
            i += 2
        elif c == "`":
            raise VarSyntaxError("a backtick is command substitution", i, _MOVE_TO_HOOK)
        elif c == "$" and i + 1 < n and value[i + 1] == "(":
            raise VarSyntaxError("$( is command substitution", i, _MOVE_TO_HOOK)
        elif c == "$" and i + 1 < n and value[i + 1] == "{":
            end = value.find("}", i + 2)
            name = value[i + 2 : end] if end != -1 else ""
            if end == -1 or not is_valid_name(name):
                raise VarSyntaxError(
                    "only ${NAME} is supported inside ${...}",
                    i,
                    "write ${NAME} or $NAME; defaults and other expansions belong in the hook",
                )
            parts.extend(_flush(text))
            parts.append(("$", name))
            i = end + 1
        elif c == "$" and i + 1 < n and value[i + 1] in _NAME_START:
            j = i + 1
            while j < n and value[j] in _NAME_CHARS:
                j += 1
            parts.extend(_flush(text))
            parts.append(("$", value[i + 1 : j]))
            i = j
        else:
            text.append(c)
            i += 1
    parts.extend(_flush(text))
    return parts


def _flush(text: list[str]) -> list[Part]:
    if not text:
        return []
    joined = "".join(text)
    text.clear()
    return [joined]


def references(parts: Sequence[Part]) -> list[str]:
    """The names a parsed value refers to, in order."""
    return [p[1] for p in parts if isinstance(p, tuple)]


def resolution_order(parsed: Mapping[str, Sequence[Part]]) -> list[str]:
    """The `[vars]` names in an order where each comes after those it refers to.

    A reference to the variable's own name means the value from outside
    (`PATH = "$PATH:/x"`). A cycle between different names is an error
    naming them. Ties keep the manifest's order.
    """
    order: list[str] = []
    state: dict[str, int] = {}  # 1 = visiting, 2 = done

    def visit(name: str, stack: list[str]) -> None:
        if state.get(name) == 2:
            return
        if state.get(name) == 1:
            cycle = [*stack[stack.index(name) :], name]
            raise CycleError(cycle)
        state[name] = 1
        stack.append(name)
        for ref in references(parsed[name]):
            if ref != name and ref in parsed:
                visit(ref, stack)
        stack.pop()
        state[name] = 2
        order.append(name)

    for name in parsed:
        visit(name, [])
    return order


class CycleError(ValueError):
    """`[vars]` entries that refer to each other in a circle."""

    def __init__(self, cycle: list[str]) -> None:
        super().__init__(" -> ".join(cycle))
        self.cycle = cycle


def expand(parts: Sequence[Part], lookup: Callable[[str], str]) -> str:
    """Join a parsed value, reading each reference with `lookup`."""
    return "".join(lookup(p[1]) if isinstance(p, tuple) else p for p in parts)


def escape(value: str) -> str:
    """The `[vars]` spelling of a literal value (inverse of parse + expand)."""
    return value.replace("\\", "\\\\").replace("$", "\\$").replace("`", "\\`")
