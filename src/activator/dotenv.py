"""`.env` files (`[options] activate.env-files`): read in Python, never run.

The format has no specification; this reader accepts what python-dotenv and
direnv's `dotenv` both accept and gives the same values where they agree.
Where they disagree it picks one behaviour, named below, or stops with an
error rather than guess. The rules:

- A line is `NAME=value`, `export NAME=value`, blank, or a `#` comment.
  Spaces and tabs around the name, the `=` and the value are ignored.
- NAME is a POSIX name, `[A-Za-z_][A-Za-z0-9_]*`; anything else is an error
  (python-dotenv also takes `'quoted'` and dashed names, direnv dotted names
  and `NAME: value`; none of these can be exported by a shell).
- A line without `=` is an error (python-dotenv ignores it; direnv errors).
- Unquoted value: the rest of the line, up to a `#` that follows a space or a
  tab (an inline comment), trimmed. Inner spaces are kept and `a#b` or `#abc`
  keep their `#`, as in python-dotenv and the shell (direnv stops at the
  first `#` or space). Backslashes are literal except `\\$`, a literal `$`.
- Single-quoted value: literal up to the next `'`, newlines included; no
  escapes and no expansion, as in direnv and the shell (python-dotenv turns
  `\\\\` and `\\'` into `\\` and `'` and expands `${NAME}` in them). So
  `'a\\'b'` is an error, not `a'b`.
- Double-quoted value: up to the next `"` not escaped by a backslash, newlines
  included. Escapes: `\\n` `\\t` `\\r` `\\a` `\\b` `\\f` `\\v` (control characters),
  `\\"` `\\'` `\\\\` `\\$` (the character itself); a backslash before anything else
  stays (as in python-dotenv and the shell; direnv drops it and reads `\\t`
  as `t`). `\\$` is a literal `$`, as in direnv (python-dotenv keeps `\\$`).
- After a closing quote only spaces, tabs and a `#` comment may follow.
- Expansion, in unquoted and double-quoted values: `${NAME}`, `$NAME`, and
  `${NAME:-default}` (the default is literal text up to the first `}`).
  python-dotenv expands only the braced forms; `$NAME` is expanded here as
  in direnv, the shell and `[vars]`. A `$` followed by anything else (`$1`,
  `$$`, `$(`, a space, the end) is a literal `$` (direnv reads `$1` and `$$`
  as variables). `${` without `}`, or with anything but those forms inside,
  is an error. Nothing is ever run: `$(...)` and backticks are plain text.
- A name refers to the latest earlier assignment in the same file (its
  value as is, even empty), else to `lookup(name)`; unset is empty.
  `${NAME:-default}` gives the default when the name is unset in both, or
  when `lookup` gives an empty value (direnv's rule; python-dotenv keeps an
  empty value from the environment).
- Line ends may be LF, CRLF or CR; a quoted value spanning lines gets LF
  (python-dotenv keeps CRLF there). A UTF-8 byte order mark is ignored.
- A NUL character in a value is an error: the environment cannot hold it.
"""

from __future__ import annotations

from .errors import EXIT_MANIFEST, ActivateError
from .varrefs import is_valid_name

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable

    Lookup = Callable[[str], str | None]

_BLANK = " \t"
_NAME_START = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ_")
_NAME_CHARS = _NAME_START | frozenset("0123456789")
_DOUBLE_ESCAPES = {
    "n": "\n",
    "t": "\t",
    "r": "\r",
    "a": "\a",
    "b": "\b",
    "f": "\f",
    "v": "\v",
    '"': '"',
    "'": "'",
    "\\": "\\",
    "$": "$",
}
_EXPANSION_HINT = (
    "write ${NAME}, $NAME or ${NAME:-default}; for a literal $, "
    "put the value in single quotes or write \\$"
)


def parse(text: str, path: str, lookup: Lookup | None = None) -> list[tuple[str, str]]:
    """The assignments of a `.env` file, in file order, values expanded.

    `path` is only used in error messages. `lookup` gives the value of a
    variable the file refers to without assigning it first (None: unset);
    without it, such variables are unset. A name assigned twice appears
    twice; the later one wins when the caller makes a dict of the result.
    Raises `ActivateError` (status EXIT_MANIFEST) for anything invalid.
    """
    return _Reader(text, path, lookup).read()


class _Reader:
    """One pass over the text, with the error helpers that need its position."""

    def __init__(self, text: str, path: str, lookup: Lookup | None) -> None:
        if text.startswith("\ufeff"):
            text = text[1:]
        self.source = text
        self.s = text.replace("\r\n", "\n").replace("\r", "\n")
        self.path = path
        self.lookup = lookup
        self.known: dict[str, str] = {}

    def read(self) -> list[tuple[str, str]]:
        """Every assignment, in order."""
        s = self.s
        n = len(s)
        out: list[tuple[str, str]] = []
        i = 0
        while i < n:
            i = self._skip_blanks(i)
            if i >= n:
                break
            c = s[i]
            if c == "\n":
                i += 1
                continue
            if c == "#":
                i = self._line_end(i)
                continue
            name, i = self._name(i)
            value, i = self._value(name, i)
            self.known[name] = value
            out.append((name, value))
        return out

    # -- pieces of a line ---------------------------------------------------

    def _name(self, i: int) -> tuple[str, int]:
        """The name at `i` (after an optional `export`) and the index after its `=`."""
        start = i
        word, i = self._word(i)
        if word == "export" and i < len(self.s) and self.s[i] in _BLANK:
            j = self._skip_blanks(i)
            if j < len(self.s) and self.s[j] not in "=\n#":
                start = j
                word, i = self._word(j)
        if not word:
            raise self._error(
                "a line starts with = : the name is missing",
                start,
                "write NAME=value",
            )
        if not is_valid_name(word):
            raise self._error(
                f"{word!r} is not a valid environment variable name",
                start,
                _name_hint(word),
            )
        i = self._skip_blanks(i)
        if i >= len(self.s) or self.s[i] != "=":
            if i < len(self.s) and self.s[i] not in "\n#":
                hint = f"a name is one word followed by =: {word}=value"
            else:
                hint = (
                    f"write {word}=value ({word}= for an empty value), "
                    "or start the line with # to make it a comment"
                )
            raise self._error(f'expected "=" after {word}', i, hint)
        return word, i + 1

    def _word(self, i: int) -> tuple[str, int]:
        """The text from `i` up to a blank, `=` or the end of the line."""
        s = self.s
        j = i
        while j < len(s) and s[j] not in " \t=\n":
            j += 1
        return s[i:j], j

    def _value(self, name: str, i: int) -> tuple[str, int]:
        """The value starting right after `=`, and the index after its line."""
        s = self.s
        after_blank = i < len(s) and s[i] in _BLANK
        i = self._skip_blanks(i)
        if i >= len(s) or s[i] == "\n":
            return "", i
        c = s[i]
        if c == "#" and after_blank:
            return "", self._line_end(i)
        if c == "'":
            end = s.find("'", i + 1)
            if end == -1:
                raise self._unterminated(name, i, "'")
            value = s[i + 1 : end]
            self._check_nul(name, i + 1, value)
            return value, self._after_quote(name, i, end)
        if c == '"':
            end = i + 1
            while end < len(s) and s[end] != '"':
                end += 2 if s[end] == "\\" else 1
            if end >= len(s):
                raise self._unterminated(name, i, '"')
            self._check_nul(name, i + 1, s[i + 1 : end])
            value = self._expand(name, i + 1, end, double=True)
            return value, self._after_quote(name, i, end)
        line_end = self._line_end(i)
        end = i
        while end < line_end:
            if s[end] == "#" and s[end - 1] in _BLANK:
                break
            end += 1
        while end > i and s[end - 1] in _BLANK:
            end -= 1
        self._check_nul(name, i, s[i:end])
        return self._expand(name, i, end, double=False), line_end

    def _after_quote(self, name: str, opening: int, closing: int) -> int:
        """Check that only blanks and a comment follow a closing quote."""
        s = self.s
        i = self._skip_blanks(closing + 1)
        if i < len(s) and s[i] == "#":
            return self._line_end(i)
        if i < len(s) and s[i] != "\n":
            quote = s[closing]
            kind = "single" if quote == "'" else "double"
            if quote == "'" and s[closing - 1] == "\\":
                hint = (
                    "single-quoted values are literal: a backslash does not escape ' "
                    'there; use double quotes ("it\'s") instead'
                )
            elif "\n" in s[opening:closing]:
                line = s.count("\n", 0, opening) + 1
                hint = (
                    f"the value opened with {quote} on line {line} and ran on to here; "
                    f"if it should end on line {line}, add the closing {quote} there"
                )
            else:
                hint = (
                    "a quoted value ends at its closing quote; quote the whole value, "
                    "or start a comment with a #"
                )
            raise self._error(
                f"unexpected text after the closing {kind} quote of {name}'s value", i, hint
            )
        return i

    # -- expansion ----------------------------------------------------------

    def _expand(self, name: str, start: int, end: int, *, double: bool) -> str:
        """The value of s[start:end]: escapes decoded, references expanded."""
        s = self.s
        out: list[str] = []
        i = start
        while i < end:
            c = s[i]
            if c == "\\" and i + 1 < end:
                nxt = s[i + 1]
                if double and nxt in _DOUBLE_ESCAPES:
                    out.append(_DOUBLE_ESCAPES[nxt])
                    i += 2
                elif nxt == "$":
                    out.append("$")
                    i += 2
                elif double:
                    out.append(c + nxt)
                    i += 2
                else:
                    out.append(c)
                    i += 1
            elif c == "$" and i + 1 < end and s[i + 1] == "{":
                close = s.find("}", i + 2, end)
                if close == -1:
                    raise self._error(
                        f"{name}'s value has ${{ without a closing }}", i, _EXPANSION_HINT
                    )
                out.append(self._braced(name, i, close, double=double))
                i = close + 1
            elif c == "$" and i + 1 < end and s[i + 1] in _NAME_START:
                j = i + 2
                while j < end and s[j] in _NAME_CHARS:
                    j += 1
                out.append(self._get(s[i + 1 : j]) or "")
                i = j
            else:
                out.append(c)
                i += 1
        return "".join(out)

    def _braced(self, name: str, dollar: int, close: int, *, double: bool) -> str:
        """The value of `${...}` between `dollar` and `close`."""
        inner = self.s[dollar + 2 : close]
        ref, sep, default = inner.partition(":-")
        if not is_valid_name(ref):
            raise self._error(
                f"{name}'s value has an unsupported ${{{inner}}}", dollar, _EXPANSION_HINT
            )
        value = self._get(ref)
        if not sep:
            return value or ""
        if value is None or (value == "" and ref not in self.known):
            return _decode(default) if double else default
        return value

    def _get(self, ref: str) -> str | None:
        """An earlier assignment in the file, else the lookup's value."""
        if ref in self.known:
            return self.known[ref]
        return self.lookup(ref) if self.lookup is not None else None

    # -- positions and errors -----------------------------------------------

    def _skip_blanks(self, i: int) -> int:
        s = self.s
        while i < len(s) and s[i] in _BLANK:
            i += 1
        return i

    def _line_end(self, i: int) -> int:
        end = self.s.find("\n", i)
        return len(self.s) if end == -1 else end

    def _check_nul(self, name: str, start: int, raw: str) -> None:
        at = raw.find("\0")
        if at != -1:
            raise self._error(
                f"{name}'s value contains a NUL character",
                start + at,
                "environment variables cannot hold NUL (\\u0000); remove it",
            )

    def _unterminated(self, name: str, i: int, quote: str) -> ActivateError:
        kind = "single" if quote == "'" else "double"
        return self._error(
            f"{name}'s {kind}-quoted value is never closed",
            i,
            f"add the closing {quote}; a quoted value may span lines, "
            "so everything after this quote was read as part of it",
        )

    def _error(self, summary: str, offset: int, hint: str) -> ActivateError:
        s = self.s
        line = s.count("\n", 0, offset) + 1
        column = offset - (s.rfind("\n", 0, offset) + 1) + 1
        return ActivateError(
            summary,
            path=self.path,
            line=line,
            column=column,
            hint=hint,
            status=EXIT_MANIFEST,
            source_text=self.source,
        )


def _decode(raw: str) -> str:
    """Double-quote escapes of a `${NAME:-default}` default (no expansion)."""
    out: list[str] = []
    i = 0
    while i < len(raw):
        c = raw[i]
        if c == "\\" and i + 1 < len(raw) and raw[i + 1] in _DOUBLE_ESCAPES:
            out.append(_DOUBLE_ESCAPES[raw[i + 1]])
            i += 2
        else:
            out.append(c)
            i += 1
    return "".join(out)


def _name_hint(word: str) -> str:
    """Advice for a name that is not a POSIX name."""
    if word.endswith(":"):
        return f"write {word[:-1]}=value: a name is followed by ="
    if word[:1] in "'\"":
        return "write the name without quotes"
    return "a name is letters, digits and underscores, and does not start with a digit"
