"""The activation plan: shell-independent, typed operations.

A plan is a list of operations. Python applies it to an environment dict
(`apply`) for `activate -- cmd` and for the environment a shell starts with;
each shell module renders the same operations as its own code.
"""

from __future__ import annotations

from .values import Value

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Iterable, Mapping, Sequence


class SetVar(Value):
    """Export `name` with exactly `value`."""

    __slots__ = ("name", "value")

    def __init__(self, name: str, value: str) -> None:
        self.name = name
        self.value = value


class UnsetVar(Value):
    """Remove `name` from the environment."""

    __slots__ = ("name",)

    def __init__(self, name: str) -> None:
        self.name = name


class PathEdit(Value):
    """Edit a colon-separated list: entries in `front`/`back` are moved (never
    duplicated) to the front/back, entries in `remove` are dropped. When the
    variable is unset or empty, `default` (if given) is the list edited;
    `default=""` keeps a trailing `:` (system defaults, as for MANPATH)."""

    __slots__ = ("name", "front", "back", "remove", "default")

    def __init__(
        self,
        name: str,
        front: tuple[str, ...] = (),
        back: tuple[str, ...] = (),
        remove: tuple[str, ...] = (),
        default: str | None = None,
    ) -> None:
        self.name = name
        self.front = front
        self.back = back
        self.remove = remove
        self.default = default


class Source(Value):
    """Source a file of shell code (the profile)."""

    __slots__ = ("path",)

    def __init__(self, path: str) -> None:
        self.path = path


class Prompt(Value):
    """Show `names` in the prompt of an interactive shell, once."""

    __slots__ = ("names",)

    def __init__(self, names: str) -> None:
        self.names = names


Op = SetVar | UnsetVar | PathEdit | Source | Prompt


def split_path(value: str | None, default: str | None = None) -> list[str]:
    """A path list as entries; unset or empty gives `default`'s entries (or none)."""
    if not value:
        value = default
    if value is None:
        return []
    return value.split(":")


def edit_path(value: str | None, edit: PathEdit) -> str:
    """The value of a path list after `edit`."""
    ours = set(edit.front) | set(edit.back) | set(edit.remove)
    kept = [e for e in split_path(value, edit.default) if e == "" or e not in ours]
    return ":".join([*edit.front, *kept, *edit.back])


def apply(environ: Mapping[str, str], plan: Iterable[Op]) -> dict[str, str]:
    """The environment after the plan's variable operations (pure)."""
    env = dict(environ)
    for op in plan:
        if isinstance(op, SetVar):
            env[op.name] = op.value
        elif isinstance(op, UnsetVar):
            env.pop(op.name, None)
        elif isinstance(op, PathEdit):
            env[op.name] = edit_path(env.get(op.name), op)
    return env


def diff(before: Mapping[str, str], after: Mapping[str, str]) -> list[Op]:
    """Literal operations turning `before` into `after` (for in-place code)."""
    ops: list[Op] = [UnsetVar(k) for k in before if k not in after]
    ops.extend(SetVar(k, v) for k, v in after.items() if before.get(k) != v)
    return ops


# Variables that hold colon-separated lists, besides every *PATH and *_DIRS.
_LIST_NAMES = frozenset({"PERL5LIB", "PERLLIB", "R_LIBS", "R_LIBS_SITE", "R_LIBS_USER"})


def is_path_list(name: str) -> bool:
    """True for variables holding a colon-separated list (PATH, PYTHONPATH, ...)."""
    return name.endswith(("PATH", "_DIRS")) or name in _LIST_NAMES


def path_change(name: str, before: str | None, after: str) -> PathEdit:
    """The entries a hook added before/after a path list's old value, and removed.

    Replaying this onto another shell's own value adds the same entries
    without copying the first shell's whole list.
    """
    old = split_path(before)
    new = split_path(after)
    n = len(old)
    if n:
        for k in range(len(new) - n + 1):
            if new[k : k + n] == old:
                front = tuple(new[:k])
                back = tuple(e for e in new[k + n :] if e not in front)
                return PathEdit(name, front=front, back=back)
    old_set = set(old)
    first_old = next((i for i, e in enumerate(new) if e in old_set), len(new))
    front = tuple(_unique(new[:first_old]))
    back = tuple(e for e in _unique(new[first_old:]) if e not in old_set and e not in front)
    removed = tuple(_unique(e for e in old if e and e not in set(new)))
    return PathEdit(name, front=front, back=back, remove=removed)


def _unique(items: Iterable[str]) -> list[str]:
    seen: set[str] = set()
    out = []
    for item in items:
        if item not in seen:
            seen.add(item)
            out.append(item)
    return out


def encode_ops(ops: Sequence[Op]) -> list[tuple[object, ...]]:
    """Hook changes as plain tuples for the record."""
    out: list[tuple[object, ...]] = []
    for op in ops:
        if isinstance(op, SetVar):
            out.append(("set", op.name, op.value))
        elif isinstance(op, UnsetVar):
            out.append(("unset", op.name))
        elif isinstance(op, PathEdit):
            out.append(("path", op.name, op.front, op.back, op.remove))
    return out


def decode_ops(data: object) -> list[Op]:
    """Inverse of `encode_ops`."""
    ops: list[Op] = []
    for item in data:  # type: ignore[attr-defined]
        kind, name = item[0], item[1]
        if not isinstance(name, str):
            raise TypeError(name)
        if kind == "set" and isinstance(item[2], str):
            ops.append(SetVar(name, item[2]))
        elif kind == "unset":
            ops.append(UnsetVar(name))
        elif kind == "path":
            front, back, removed = (tuple(str(e) for e in item[i]) for i in (2, 3, 4))
            ops.append(PathEdit(name, front, back, removed))
        else:
            raise ValueError(kind)
    return ops
