"""`.env` files: every rule of `activator.dotenv.parse`, its errors, and agreement
with python-dotenv and direnv on files where those two agree (each skipped
when the tool is not installed)."""

from __future__ import annotations

import io
import json
import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from activator.dotenv import parse
from activator.errors import EXIT_MANIFEST, ActivateError, plain_lines


def values(text: str, env: dict[str, str] | None = None) -> dict[str, str]:
    """The file's variables as a dict (later assignments win)."""
    return dict(parse(text, ".env", (env or {}).get))


def value(text: str, env: dict[str, str] | None = None) -> str:
    """The value of the file's last assignment."""
    return str(parse(text, ".env", (env or {}).get)[-1][1])


def error(text: str, env: dict[str, str] | None = None) -> ActivateError:
    """The error parsing `text` raises."""
    with pytest.raises(ActivateError) as info:
        parse(text, "/p/.env", (env or {}).get)
    return info.value


# -- lines -------------------------------------------------------------------


def test_assignments_come_back_in_file_order_with_duplicates() -> None:
    text = "B=1\nA=2\nB=3\n"
    assert parse(text, ".env") == [("B", "1"), ("A", "2"), ("B", "3")]
    assert dict(parse(text, ".env")) == {"B": "3", "A": "2"}


def test_an_empty_file_and_a_file_of_comments_have_no_assignments() -> None:
    assert parse("", ".env") == []
    assert parse("\n\n   \n\t\n", ".env") == []
    assert parse("# only\n   # indented\n\t#tab\n#", ".env") == []


def test_blank_lines_and_comments_between_assignments() -> None:
    text = "# header\n\nA=1\n\n   # A=2 is commented out\nB=2\n# trailing"
    assert parse(text, ".env") == [("A", "1"), ("B", "2")]


def test_the_last_line_needs_no_newline() -> None:
    assert parse("A=1\nB=2", ".env") == [("A", "1"), ("B", "2")]
    assert parse("A=", ".env") == [("A", "")]


@pytest.mark.parametrize(
    "line",
    [
        "export A=1",
        "export  A=1",
        "export\tA=1",
        "  export A=1",
        "export A = 1",
    ],
)
def test_an_export_prefix_is_ignored(line: str) -> None:
    assert parse(line + "\n", ".env") == [("A", "1")]


def test_a_variable_may_be_named_export() -> None:
    assert parse("export=1\n", ".env") == [("export", "1")]
    assert parse("export =1\n", ".env") == [("export", "1")]
    assert parse("export export=1\n", ".env") == [("export", "1")]
    assert parse("exported=1\n", ".env") == [("exported", "1")]


@pytest.mark.parametrize(
    "line",
    ["A=1", "A = 1", "A\t=\t1", "  A=1", "\tA=1  ", "A=  1\t", "A =1", "A= 1 "],
)
def test_spaces_and_tabs_around_name_equals_and_value_are_ignored(line: str) -> None:
    assert parse(line + "\n", ".env") == [("A", "1")]


@pytest.mark.parametrize("name", ["A", "_", "_x", "lower", "A1", "A_B_2", "a" * 200])
def test_valid_names(name: str) -> None:
    assert parse(f"{name}=v\n", ".env") == [(name, "v")]


# -- unquoted values ---------------------------------------------------------


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("A=", ""),
        ("A=   ", ""),
        ("A=\t", ""),
        ("A= # just a comment", ""),
        ("A=\t# just a comment", ""),
        ("A=b # comment", "b"),
        ("A=b\t# comment", "b"),
        ("A=b    #comment # more", "b"),
        ("A=b#c", "b#c"),
        ("A=#c", "#c"),
        ("A=#ff0000", "#ff0000"),
        ("A=https://x.org/page#part", "https://x.org/page#part"),
        ("A=a b  c", "a b  c"),
        ("A=a b # c", "a b"),
        ("A=equals==signs=", "equals==signs="),
        ('A={"json": "inner quotes"}', '{"json": "inner quotes"}'),
        ("A=it's", "it's"),
        ('A=a"b', 'a"b'),
        ("A=C:\\dir\\new", "C:\\dir\\new"),
        ("A=a\\nb", "a\\nb"),
        ("A=trailing\\", "trailing\\"),
        ("A=a\\ #b", "a\\"),
        ("A=$(whoami)", "$(whoami)"),
        ("A=`whoami`", "`whoami`"),
        ("A=100%", "100%"),
        ("A=ünïcödé ✓", "ünïcödé ✓"),
    ],
)
def test_unquoted_values(line: str, expected: str) -> None:
    assert value(line + "\n") == expected


def test_an_unquoted_value_ends_at_the_end_of_its_line() -> None:
    assert parse("A=1\nB=2 # c\nC=3", ".env") == [("A", "1"), ("B", "2"), ("C", "3")]


# -- single-quoted values ----------------------------------------------------


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("A=''", ""),
        ("A='x'", "x"),
        ("A='  spaced  '", "  spaced  "),
        ("A='a # not a comment'", "a # not a comment"),
        ("A='x' # comment", "x"),
        ("A='x'# comment", "x"),
        ("A='x'   ", "x"),
        ("A = 'x'", "x"),
        ("A='$B ${B} $(cmd) `cmd`'", "$B ${B} $(cmd) `cmd`"),
        ("A='\\n\\t\\\\ \\$'", "\\n\\t\\\\ \\$"),
        ("A='C:\\\\dir'", "C:\\\\dir"),
        ("A='say \"hi\"'", 'say "hi"'),
        ("A='${B'", "${B"),
    ],
)
def test_single_quoted_values_are_literal(line: str, expected: str) -> None:
    assert value(line + "\n", {"B": "expanded"}) == expected


def test_a_single_quoted_value_may_span_lines() -> None:
    text = "A='first\n  second # not a comment\n\nlast'\nB=2\n"
    assert parse(text, ".env") == [("A", "first\n  second # not a comment\n\nlast"), ("B", "2")]


def test_a_multi_line_private_key() -> None:
    key = "-----BEGIN KEY-----\nMIIabc+/=\nxyz\n-----END KEY-----"
    assert values(f"KEY='{key}'\nNEXT=1\n") == {"KEY": key, "NEXT": "1"}
    assert values(f'KEY="{key}"\nNEXT=1\n') == {"KEY": key, "NEXT": "1"}


# -- double-quoted values ----------------------------------------------------


@pytest.mark.parametrize(
    ("escape", "expected"),
    [
        ("\\n", "\n"),
        ("\\t", "\t"),
        ("\\r", "\r"),
        ("\\a", "\a"),
        ("\\b", "\b"),
        ("\\f", "\f"),
        ("\\v", "\v"),
        ('\\"', '"'),
        ("\\'", "'"),
        ("\\\\", "\\"),
        ("\\$", "$"),
    ],
)
def test_double_quoted_escapes(escape: str, expected: str) -> None:
    assert value(f'A="<{escape}>"\n') == f"<{expected}>"


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ("\\x", "\\x"),
        ("\\d", "\\d"),
        ("C:\\Users", "C:\\Users"),
        ("\\u00e9", "\\u00e9"),
        ("\\`", "\\`"),
        ("\\{", "\\{"),
    ],
)
def test_a_backslash_before_anything_else_stays(body: str, expected: str) -> None:
    assert value(f'A="{body}"\n') == expected


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ('A=""', ""),
        ('A="x"', "x"),
        ('A="  spaced  "', "  spaced  "),
        ('A="a # not a comment"', "a # not a comment"),
        ('A="x" # comment', "x"),
        ('A="x"#comment', "x"),
        ('A= "x"  ', "x"),
        ('A="it\'s"', "it's"),
        ('A="say \\"hi\\""', 'say "hi"'),
        ('A="\\\\n"', "\\n"),
        ('A="\\\\\\n"', "\\\n"),
        ('A="ends with backslash\\\\"', "ends with backslash\\"),
        ('A="\\\\"  # comment', "\\"),
        ('A="\\\\\\""', '\\"'),
        ('A="$(cmd) `cmd`"', "$(cmd) `cmd`"),
        ('A="a\\nb\\tc"', "a\nb\tc"),
    ],
)
def test_double_quoted_values(line: str, expected: str) -> None:
    assert value(line + "\n") == expected


def test_a_double_quoted_value_may_span_lines() -> None:
    text = 'A="one\ntwo # not a comment\n\\"three\\"\n" # comment\nB=2\n'
    assert parse(text, ".env") == [("A", 'one\ntwo # not a comment\n"three"\n'), ("B", "2")]


def test_a_newline_escape_and_a_real_newline_give_the_same_value() -> None:
    assert value('A="first line\nsecond line"') == value('A="first line\\nsecond line"')


def test_an_escaped_backslash_before_a_newline_inside_double_quotes() -> None:
    assert value('A="a\\\nb"') == "a\\\nb"


# -- expansion ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("A=${B}", "bee"),
        ("A=$B", "bee"),
        ('A="${B}"', "bee"),
        ('A="$B"', "bee"),
        ("A=x${B}y", "xbeey"),
        ("A=$B-$B", "bee-bee"),
        ("A=$B/$B", "bee/bee"),
        ("A=$B_x", ""),
        ("A=${B}_x", "bee_x"),
        ("A=$B$B", "beebee"),
        ("A=$UNSET", ""),
        ("A=${UNSET}", ""),
        ("A=pre${UNSET}post", "prepost"),
        ('A="a $B b ${B} c"', "a bee b bee c"),
        ("A=$B # comment $B", "bee"),
        ("A='$B'", "$B"),
        ("A='${B}'", "${B}"),
    ],
)
def test_references_expand_in_unquoted_and_double_quoted_values(line: str, expected: str) -> None:
    assert value(line + "\n", {"B": "bee"}) == expected


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("A=$", "$"),
        ("A=a$", "a$"),
        ("A=$ x", "$ x"),
        ("A=$1", "$1"),
        ("A=$$", "$$"),
        ("A=$-", "$-"),
        ("A=$@", "$@"),
        ("A=5$", "5$"),
        ("A=$(whoami)", "$(whoami)"),
        ("A=$((1+2))", "$((1+2))"),
        ('A="$"', "$"),
        ('A="$1 $$ $(x)"', "$1 $$ $(x)"),
        ("A=\\$B", "$B"),
        ("A=\\${B}", "${B}"),
        ('A="\\$B"', "$B"),
        ('A="\\${B}"', "${B}"),
        ('A="\\\\$B"', "\\bee"),
        ("A=\\\\$B", "\\$B"),
        ("A=\\\\\\$B", "\\\\$B"),
        ("A=a\\b$B", "a\\bbee"),
    ],
)
def test_a_dollar_not_followed_by_a_name_or_brace_and_an_escaped_dollar_are_literal(
    line: str, expected: str
) -> None:
    assert value(line + "\n", {"B": "bee"}) == expected


def test_nothing_is_run(tmp_path: Path) -> None:
    marker = tmp_path / "ran"
    text = f"A=$(touch {marker})\nB=\"`touch {marker}`\"\nC='$(touch {marker})'\n"
    assert values(text) == {
        "A": f"$(touch {marker})",
        "B": f"`touch {marker}`",
        "C": f"$(touch {marker})",
    }
    assert not marker.exists()


def test_earlier_keys_of_the_file_come_before_the_lookup() -> None:
    env = {"A": "outside", "B": "outside-b"}
    assert values("A=inside\nC=$A\n", env) == {"A": "inside", "C": "inside"}
    # A key assigned later in the file is not seen yet: the lookup answers.
    assert values("C=$A\nA=inside\n", env) == {"C": "outside", "A": "inside"}
    # The latest earlier assignment wins.
    assert values("A=1\nA=2\nC=$A\nA=3\nD=$A\n", env) == {"A": "3", "C": "2", "D": "3"}
    # Each value is expanded once, when it is read.
    assert values("A=1\nB=$A\nA=2\n", env) == {"A": "2", "B": "1"}


def test_a_chain_of_references() -> None:
    text = 'A=a\nB=${A}b\nC="${B}c"\nD=$C$C\n'
    assert values(text) == {"A": "a", "B": "ab", "C": "abc", "D": "abcabc"}


def test_a_variable_can_extend_its_outside_value() -> None:
    env = {"PATH": "/usr/bin:/bin"}
    assert values("PATH=/opt/bin:$PATH\n", env) == {"PATH": "/opt/bin:/usr/bin:/bin"}
    assert values("PATH=$PATH:/a\nPATH=$PATH:/b\n", env) == {"PATH": "/usr/bin:/bin:/a:/b"}


def test_an_expanded_value_is_not_read_again() -> None:
    env = {"B": "$C ${C} \\n", "C": "no"}
    assert value("A=$B\n", env) == "$C ${C} \\n"
    assert value('A="$B"\n', env) == "$C ${C} \\n"
    assert values("X='$C'\nA=$X\n", env) == {"X": "$C", "A": "$C"}


def test_the_lookup_is_asked_only_for_names_the_file_has_not_assigned() -> None:
    asked: list[str] = []

    def lookup(name: str) -> str | None:
        asked.append(name)
        return {"OUT": "o"}.get(name)

    result = parse("A=1\nB=$A$OUT${NOPE}\nC='$NOT_ASKED'\n", ".env", lookup)
    assert result == [("A", "1"), ("B", "1o"), ("C", "$NOT_ASKED")]
    assert asked == ["OUT", "NOPE"]


def test_without_a_lookup_outside_names_are_unset() -> None:
    assert parse("A=$HOME${PATH}\nB=${HOME:-d}\n", ".env") == [("A", ""), ("B", "d")]


@pytest.mark.parametrize(
    ("text", "env", "expected"),
    [
        ("A=${B:-dflt}", {}, "dflt"),
        ("A=${B:-dflt}", {"B": "set"}, "set"),
        ("A=${B:-dflt}", {"B": ""}, "dflt"),
        ("B=\nA=${B:-dflt}", {"B": "outside"}, ""),
        ("B=file\nA=${B:-dflt}", {"B": "outside"}, "file"),
        ("A=${B:-}", {}, ""),
        ("A=${B:-two words}", {}, "two words"),
        ('A="${B:-two words}"', {}, "two words"),
        ("A='${B:-dflt}'", {}, "${B:-dflt}"),
        ("A=x${B:-y}z", {}, "xyz"),
        ("A=${B:-$C}", {"C": "see"}, "$C"),
        ("A=${B:-${C}", {"C": "see"}, "${C"),
        ('A="${B:-a\\tb}"', {}, "a\tb"),
        ("A=${B:-a\\tb}", {}, "a\\tb"),
        ("A=${B:-:-}", {}, ":-"),
    ],
)
def test_a_default_value(text: str, env: dict[str, str], expected: str) -> None:
    assert value(text + "\n", env) == expected


def test_a_lookup_answering_none_means_unset_and_empty_means_empty() -> None:
    def lookup(name: str) -> str | None:
        return {"EMPTY": ""}.get(name)

    assert parse("A=<$EMPTY><$UNSET>\n", ".env", lookup) == [("A", "<><>")]


# -- line ends and byte order mark -------------------------------------------


def test_crlf_line_ends() -> None:
    text = "# c\r\nA=1\r\nB = two words  \r\n\r\nC='x'\r\nD=\"y\" # c\r\nexport E=$A\r\n"
    assert parse(text, ".env") == [
        ("A", "1"),
        ("B", "two words"),
        ("C", "x"),
        ("D", "y"),
        ("E", "1"),
    ]


def test_a_quoted_value_spanning_crlf_lines_gets_lf() -> None:
    assert value("A='a\r\nb'\r\n") == "a\nb"
    assert value('A="a\r\nb"\r\n') == "a\nb"


def test_cr_line_ends() -> None:
    assert parse("A=1\rB=2\r", ".env") == [("A", "1"), ("B", "2")]


def test_a_byte_order_mark_is_ignored() -> None:
    assert parse("\ufeffA=1\nB=2\n", ".env") == [("A", "1"), ("B", "2")]
    assert parse("\ufeff# comment\r\nA=1\r\n", ".env") == [("A", "1")]
    assert parse("\ufeff", ".env") == []


def test_a_byte_order_mark_elsewhere_is_kept() -> None:
    assert value("A=x\ufeff\n") == "x\ufeff"


# -- errors ------------------------------------------------------------------


# (file text, words the summary must contain, line, column, words of the hint)
ERRORS = {
    "no-equals": ("A=1\n\nFOO\n", ['expected "=" after FOO'], 3, 4, ["FOO=value"]),
    "no-equals-last-line": ("A=1\nFOO", ['expected "=" after FOO'], 2, 4, ["FOO="]),
    "no-equals-comment": ("FOO # note\n", ['"=" after FOO'], 1, 5, ["#"]),
    "export-without-value": ("export FOO\n", ['"=" after FOO'], 1, 11, ["FOO=value"]),
    "space-in-name": ("FOO BAR=1\n", ['"=" after FOO'], 1, 5, ["one word"]),
    "dash": ("A=1\nMY-VAR=x\n", ["'MY-VAR' is not a valid"], 2, 1, ["letters, digits"]),
    "digit-first": ("1X=x\n", ["'1X' is not a valid"], 1, 1, ["digit"]),
    "dotted": ("  a.b=x\n", ["'a.b' is not a valid"], 1, 3, ["letters"]),
    "quoted-name": ("'A'=x\n", ["\"'A'\" is not a valid"], 1, 1, ["without quotes"]),
    "yaml-colon": ("A: x\n", ["'A:' is not a valid"], 1, 1, ["A=value"]),
    "export-bad-name": ("export 9=x\n", ["'9' is not"], 1, 8, ["letters"]),
    "no-name": ("\n=x\n", ["name is missing"], 2, 1, ["NAME=value"]),
    "unterminated-single": (
        "A=1\nB='abc\nC=3\n",
        ["B's single-quoted", "never closed"],
        2,
        3,
        ["'"],
    ),
    "unterminated-double": ('A="abc\n', ["A's double-quoted", "never closed"], 1, 3, ['"']),
    "unterminated-escaped-quote": ('A="abc\\"\n', ["never closed"], 1, 3, ["span lines"]),
    "unterminated-backslash-end": ('A="abc\\', ["never closed"], 1, 3, ["closing"]),
    "after-double": (
        'A="x" y\n',
        ["after the closing double quote of A"],
        1,
        7,
        ["quote the whole"],
    ),
    "after-single": (
        "A='x'y\n",
        ["after the closing single quote of A"],
        1,
        6,
        ["quote the whole"],
    ),
    "two-strings": ("A='a' 'b'\n", ["after the closing single quote"], 1, 7, ["comment"]),
    "backslash-in-single": ("A='it\\'s'\n", ["single quote"], 1, 8, ["double quotes"]),
    "runaway-double": (
        'A="abc\nB="def"\n',
        ["after the closing double quote of A"],
        2,
        4,
        ["line 1"],
    ),
    "after-multi-line": ("\nA='a\nb'c\n", ["single quote of A"], 3, 3, ["line 2"]),
    "unclosed-brace": ("A=${B\n", ["${ without a closing }"], 1, 3, ["${NAME}"]),
    "unclosed-brace-double": ('X=1\nA="a ${B"\n', ["${ without"], 2, 6, ["\\$"]),
    "brace-cut-by-comment": ("A=${B #}\n", ["${ without"], 1, 3, ["${NAME}"]),
    "empty-braces": ("A=${}\n", ["unsupported ${}"], 1, 3, ["${NAME:-default}"]),
    "digit-braces": ("A=x${1}\n", ["unsupported ${1}"], 1, 4, ["${NAME}"]),
    "dash-default": ("A=${B-x}\n", ["unsupported ${B-x}"], 1, 3, ["${NAME:-default}"]),
    "assign-default": ("A=${B:=x}\n", ["unsupported ${B:=x}"], 1, 3, ["${NAME:-default}"]),
    "length": ('A="${#B}"\n', ["unsupported ${#B}"], 1, 4, ["${NAME}"]),
    "command-in-braces": ("A=${B:-x}${$(id)}\n", ["unsupported"], 1, 10, ["single quotes"]),
    "nul-unquoted": ("A=x\x00y\n", ["A's value contains a NUL"], 1, 4, ["NUL"]),
    "nul-single": ("A='\n\x00'\n", ["NUL"], 2, 1, ["remove it"]),
    "nul-double": ('A="ab\x00"\n', ["NUL"], 1, 6, ["remove it"]),
    "crlf-line-number": ("A=1\r\nB=2\r\nC\r\n", ['"=" after C'], 3, 2, ["C=value"]),
    "cr-line-number": ("A=1\rB=2\rC\r", ['"=" after C'], 3, 2, ["C=value"]),
    "bom-column": ("\ufeffA-B=1\n", ["'A-B'"], 1, 1, ["letters"]),
    "line-after-multi-line": ("A='x\ny\nz'\nB=\"1\n2\"\nC\n", ['"=" after C'], 6, 2, ["C="]),
}


@pytest.mark.parametrize(
    ("text", "words", "line", "column", "hint_words"), ERRORS.values(), ids=ERRORS.keys()
)
def test_errors_name_the_file_line_and_column_with_a_hint(
    text: str, words: list[str], line: int, column: int, hint_words: list[str]
) -> None:
    err = error(text)
    for word in words:
        assert word in err.summary
    assert (err.path, err.line, err.column) == ("/p/.env", line, column)
    assert err.status == EXIT_MANIFEST == 3
    assert err.hint is not None
    for word in hint_words:
        assert word in err.hint
    assert err.source_text == text.removeprefix("\ufeff")


def test_an_error_shows_the_line_with_a_caret() -> None:
    err = error("A=1\nB='x' y\nC=3\n")
    assert plain_lines(err) == [
        "activate: error: unexpected text after the closing single quote of B's value",
        "  in /p/.env, line 2, column 7",
        "  1 | A=1",
        "  2 | B='x' y",
        "    |       ^",
        "  3 | C=3",
        f"  hint: {err.hint}",
    ]


def test_an_error_in_a_crlf_file_shows_the_right_line() -> None:
    err = error("A=1\r\nB-C=2\r\nD=3\r\n")
    assert "  2 | B-C=2" in plain_lines(err)


def test_an_error_stops_at_the_first_bad_line() -> None:
    assert error("A=1\nB\nC-D=2\n").line == 2


# -- properties --------------------------------------------------------------

_TEXT = st.text(st.characters(exclude_categories=("Cs",), exclude_characters="\x00"))


def _double_quote(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("$", "\\$") + '"'


@given(_TEXT)
def test_any_value_comes_back_from_double_quotes(text: str) -> None:
    # Line ends in a quoted value become LF, whatever they were.
    expected = text.replace("\r\n", "\n").replace("\r", "\n")
    assert parse(f"A={_double_quote(text)}\n", ".env") == [("A", expected)]


@given(_TEXT.filter(lambda t: "'" not in t))
def test_any_value_without_a_quote_comes_back_from_single_quotes(text: str) -> None:
    expected = text.replace("\r\n", "\n").replace("\r", "\n")
    assert parse(f"export A = '{text}'  # c\n", ".env") == [("A", expected)]


@given(st.lists(st.tuples(st.from_regex(r"[A-Za-z_][A-Za-z0-9_]{0,8}", fullmatch=True), _TEXT)))
def test_many_assignments_come_back_in_order(pairs: list[tuple[str, str]]) -> None:
    text = "".join(f"{name}={_double_quote(v)}\n# comment\n\n" for name, v in pairs)
    expected = [(n, v.replace("\r\n", "\n").replace("\r", "\n")) for n, v in pairs]
    assert parse(text, ".env") == expected


@given(st.text(st.sampled_from("AB=$'\"\\#{}:- \t\n\r x")))
def test_any_text_parses_or_raises_an_activate_error(text: str) -> None:
    try:
        result = parse(text, ".env", {"A": "a"}.get)
    except ActivateError as err:
        assert err.line is not None and err.line >= 1
        assert err.column is not None and err.column >= 1
        assert err.status == EXIT_MANIFEST
    else:
        assert all(isinstance(n, str) and isinstance(v, str) for n, v in result)


# -- agreement with python-dotenv and direnv ---------------------------------

# Files all three read the same way.
COMMON_SAMPLES = {
    "basic": "A=1\nB=two\n\n# comment\nC=3\n",
    "export": "export A=1\nexport   B=2\nexport\tC=3\n",
    "spaces-around-equals": "A = 1\nB= 2\nC =3\n  D=4\n",
    "empty": "A=\nB=''\nC=\"\"\nD= # comment\n",
    "single-quoted": "A='a b  c'\nB='$X \\n \\t'\nC='#not comment' # comment\n",
    "double-quoted": 'A="a b"\nB="line\\nbreak"\nC="#not comment" # comment\nD="say \\"hi\\""\n',
    "inline-comments": "A=value # a comment\nB=value\t# another\n",
    "braced-expansion": 'A=1\nB=${A}\nC="x${A}y"\nD=${OUTSIDE}\nE=${UNSET}\n',
    "defaults": 'A=${UNSET:-dflt}\nB="${OUTSIDE:-no}"\nC=${EMPTY_IN_FILE:-x}\n',
    "outside-value-extended": "OUTSIDE=pre-${OUTSIDE}\nA=${OUTSIDE_ALSO}\n",
    "later-key-not-seen": "A=${OUTSIDE}\nOUTSIDE=mine\nB=${OUTSIDE}\n",
    "duplicates": "A=1\nA=2\nB=${A}\nA=3\n",
    "crlf": "A=1\r\nB='two'\r\nC=\"3\"\r\n",
    "literal-dollars": "A=$\nB='$(cmd)'\nC=5$\n",
    "urls": "DATABASE_URL=postgres://u:p@localhost:5432/db?sslmode=disable\nB=a=b=c\n",
    "unicode": "A=ünïcödé\nB='✓ done'\n",
}
# Files python-dotenv reads the same way as activate, and direnv does not (or
# not in every version: direnv 2.32 has no multi-line values).
PYTHON_DOTENV_SAMPLES = {
    "multi-line-double": 'A="first\nsecond"\nB=2\n',
    "multi-line-single": "A='first\nsecond'\nB=2\n",
    "inner-spaces": "A=two words\nB= padded value  \nC=a b # c\n",
    "hash-without-space": "A=a#b\nB=#ff0000\nC=http://x/#frag\n",
    "escapes": 'A="t\\tab"\nB="\\\\n"\nC="x\\\\"\nD="\\a\\b\\f\\v\\r"\nE="C:\\Users"\n',
    "escaped-quotes": 'A="it\'s"\nB="\\\'"\n',
    "bom": "\ufeffA=1\nB=2\n",
    "blank-then-comment": "A=1\n   \n\t# indented comment\nB=2",
    "empty-default-from-file": "E=\nA=${E:-dflt}\n",
    "literal-special-dollars": "A=$1\nB=$$\nC=$-\nD=a$ b\n",
    "quotes-inside-unquoted": 'A={"a": 1}\nB=it\'s\n',
    "backslashes-unquoted": "A=C:\\dir\\new\nB=a\\nb\n",
}
OUTSIDE = {"OUTSIDE": "out", "OUTSIDE_ALSO": "also", "EMPTY_OUTSIDE": ""}


def _python_dotenv() -> Callable[..., dict[str, str | None]] | None:
    try:
        from dotenv import dotenv_values
    except ImportError:
        return None
    return dotenv_values


@pytest.mark.parametrize(
    "text",
    [*COMMON_SAMPLES.values(), *PYTHON_DOTENV_SAMPLES.values()],
    ids=[*COMMON_SAMPLES, *PYTHON_DOTENV_SAMPLES],
)
def test_python_dotenv_agrees(text: str, monkeypatch: pytest.MonkeyPatch) -> None:
    dotenv_values = _python_dotenv()
    if dotenv_values is None:
        pytest.skip("python-dotenv is not installed")
    for name in list(os.environ):
        monkeypatch.delenv(name)
    for name, val in OUTSIDE.items():
        monkeypatch.setenv(name, val)
    theirs = dotenv_values(stream=io.StringIO(text))
    assert values(text, OUTSIDE) == theirs


@pytest.mark.parametrize("text", COMMON_SAMPLES.values(), ids=COMMON_SAMPLES.keys())
def test_direnv_agrees(text: str, tmp_path: Path) -> None:
    direnv = shutil.which("direnv")
    bash = shutil.which("bash")
    if direnv is None or bash is None:
        pytest.skip("direnv or bash is not installed")
    env_file = tmp_path / "sample.env"
    env_file.write_text(text, encoding="utf-8", newline="")
    ours = values(text, OUTSIDE)
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": str(tmp_path), **OUTSIDE}
    script = (
        'eval "$("$0" dotenv bash "$1")" && exec "$2" -c '
        '"import json, os, sys; print(json.dumps({n: os.environ.get(n) for n in sys.argv[1:]}))" '
        '"${@:3}"'
    )
    result = subprocess.run(
        [bash, "-c", script, direnv, str(env_file), sys.executable, *ours],
        env=env,
        capture_output=True,
        text=True,
        check=True,
        timeout=30,
    )
    assert json.loads(result.stdout) == ours


# A grammar of the files python-dotenv and activate read the same way: what
# they disagree on ($NAME, \$, a backslash in an unquoted value, ${ in single
# quotes, a value of the environment that is empty) is left out.
_NAMES = st.sampled_from(["A", "B", "C_1", "_d", "OUTSIDE", "UNSET"])
_REF = _NAMES.map(lambda n: f"${{{n}}}")
_REF_DEFAULT = st.tuples(_NAMES, st.text(st.sampled_from("ab -:./$"), max_size=5)).map(
    lambda p: f"${{{p[0]}:-{p[1]}}}"
)
_PLAIN = "abcXYZ019 _-./:@,=+%"
_UNQUOTED = st.tuples(
    st.sampled_from("abc019_/.-@%"),
    st.lists(st.sampled_from([*_PLAIN, "#", "'", '"', "\t"]) | _REF | _REF_DEFAULT, max_size=8).map(
        "".join
    ),
).map("".join)
_SINGLE = st.text(st.sampled_from(_PLAIN + '#"$\n\t'), max_size=12).map(lambda s: f"'{s}'")
_DOUBLE_ESC = st.sampled_from(["\\n", "\\t", "\\r", '\\"', "\\'", "\\\\", "\\a", "\\q", "\\\n"])
_DOUBLE = (
    st.lists(
        st.sampled_from([*_PLAIN, "#", "'", "\n"]) | _DOUBLE_ESC | _REF | _REF_DEFAULT, max_size=10
    )
    .map("".join)
    .map(lambda s: f'"{s}"')
)
_COMMENT = st.sampled_from(["", " # c", "\t#c 'x' \"y\" ${A}", "  #"])
_ASSIGNMENT = st.tuples(
    st.sampled_from(["", "export ", "  ", "\t", "export\t"]),
    _NAMES,
    st.sampled_from(["=", " = ", "\t=", "= "]),
    st.one_of(st.just(""), _UNQUOTED, _SINGLE, _DOUBLE),
    _COMMENT,
).map(lambda p: "".join(p))
_LINE = _ASSIGNMENT | st.sampled_from(["", "   ", "# comment", "  # A=1"])
_FILE = st.tuples(st.lists(_LINE, max_size=8).map("\n".join), st.sampled_from(["", "\n"])).map(
    "".join
)


@given(_FILE)
def test_python_dotenv_agrees_on_generated_files(text: str) -> None:
    dotenv_values = _python_dotenv()
    if dotenv_values is None:
        pytest.skip("python-dotenv is not installed")
    outside = {"OUTSIDE": "out"}
    saved = dict(os.environ)
    os.environ.clear()
    os.environ.update(outside)
    try:
        theirs = dotenv_values(stream=io.StringIO(text))
    finally:
        os.environ.clear()
        os.environ.update(saved)
    assert values(text, outside) == theirs
