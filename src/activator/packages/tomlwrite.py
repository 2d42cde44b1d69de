"""TOML for the files activate writes about packages (the lock, uv's pylock):
tables of plain values, arrays of tables, inline tables for nested data.

Written here, not with tomlkit: tomlkit keeps a document's comments (which
`activate install` needs for the manifest) but costs 25 ms to import, a
tenth of a cold build; these files are generated whole.
"""

from __future__ import annotations

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Mapping

_ESCAPES = {
    '"': '\\"',
    "\\": "\\\\",
    "\b": "\\b",
    "\t": "\\t",
    "\n": "\\n",
    "\f": "\\f",
    "\r": "\\r",
}


def string(text: str) -> str:
    """A TOML basic string."""
    out = []
    for c in text:
        if c in _ESCAPES:
            out.append(_ESCAPES[c])
        elif c < " " or c == "\x7f":
            out.append(f"\\u{ord(c):04x}")
        else:
            out.append(c)
    return '"' + "".join(out) + '"'


def key(name: str) -> str:
    """A key, bare when it can be."""
    bare = name and all(c.isascii() and (c.isalnum() or c in "-_") for c in name)
    return name if bare else string(name)


def value(v: object) -> str:
    """A value on one line (nested tables inline)."""
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, int | float):
        return repr(v)
    if isinstance(v, str):
        return string(v)
    if isinstance(v, list | tuple):
        return "[" + ", ".join(value(x) for x in v) + "]"
    if isinstance(v, dict):
        return "{" + ", ".join(f"{key(str(k))} = {value(x)}" for k, x in v.items()) + "}"
    raise TypeError(f"no TOML for {type(v).__name__}")


def table(name: str, data: Mapping[str, object], arrays: tuple[str, ...] = ()) -> str:
    """`[name]` with its plain keys, then each list in `arrays` as `[[name.array]]` blocks."""
    lines = [f"[{name}]"] if name else []
    lines += [f"{key(k)} = {value(v)}" for k, v in data.items() if k not in arrays]
    for array in arrays:
        for item in data.get(array) or []:  # type: ignore[attr-defined]
            lines += ["", f"[[{name + '.' if name else ''}{array}]]"]
            lines += [f"{key(str(k))} = {value(v)}" for k, v in item.items()]
    return "\n".join(lines) + "\n"
