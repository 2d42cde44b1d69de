"""Map a Flox catalog entry (`pkg-path` and `version`) to a conda-forge match spec.

Flox's `pkg-path` is a nixpkgs attribute path (`nodejs_20`, `gnumake`,
`python312Packages.numpy`); installing it as such needs Nix. `lookup` says which
conda-forge package provides the same program, as a match spec in the syntax
`installs.normalize_conda` accepts, or why it cannot say:

- the table in `catalog.toml` (shipped beside this module): attributes whose name
  is the conda-forge package's (`[same]`), renames (`gnumake` -> `make`), the
  package sets' members (`[python]`, `[node]`, `[ruby]`), and attributes known
  to have no counterpart, with the reason (`[absent]`);
- computed patterns: versioned attributes (`nodejs_20` -> `nodejs 20.*`,
  `python311` -> `python 3.11.*`, `go_1_26` -> `go 1.26.*`, `jdk17` ->
  `openjdk 17.*`) and package sets (`python312Packages.X` -> X, with
  `python 3.12.*` implied);
- Flox's `version` (a semver range, `=EXACT`, or a partial version that Flox
  reads as a prefix) translated into a conda version spec.

Every conda name the table holds is checked against conda-forge's feedstocks:
tests/data/conda-forge-names.txt is that evidence, and tests/test_catalog.py
fails on a name it lacks. Pure: no I/O beyond reading the table once.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Iterator

NOT_IN_TABLE = "not in the catalog table"
CANNOT_EXPRESS = "a version Flox gives that conda cannot express"
NO_COUNTERPART = "no conda-forge package to map to"


@dataclass(frozen=True)
class Mapped:
    """A conda-forge match spec for the entry, and the python a package set implies.

    `spec` is `name` or `name VERSION-SPEC` (`"nodejs 20.*"`, `"make"`,
    `"numpy >=2,<3"`); `python` is set for members of a python package set
    (`"python 3.12.*"` for `python312Packages.X`, `"python"` for
    `python3Packages.X`), None otherwise.
    """

    spec: str
    python: str | None = None

    @property
    def name(self) -> str:
        """The conda package's name."""
        return self.spec.split(" ", 1)[0]


@dataclass(frozen=True)
class Unmapped:
    """Why an entry has no conda-forge spec: a sentence for an error message."""

    reason: str


@dataclass(frozen=True)
class _Table:
    same: frozenset[str]
    rename: dict[str, str]
    versioned_glued: frozenset[str]
    python_same: frozenset[str]
    python_rename: dict[str, str]
    node_same: frozenset[str]
    ruby_rename: dict[str, str]
    absent: dict[str, str]


@cache
def _table() -> _Table:
    import os
    import tomllib

    with open(os.path.join(os.path.dirname(__file__), "catalog.toml"), "rb") as f:
        data = tomllib.load(f)

    def names(section: str, key: str = "names") -> frozenset[str]:
        return frozenset(data.get(section, {}).get(key, []))

    def renames(section: str, key: str | None = None) -> dict[str, str]:
        table = data.get(section, {})
        if key is not None:
            table = table.get(key, {})
        return {k: v for k, v in table.items() if isinstance(v, str)}

    return _Table(
        same=names("same"),
        rename=renames("rename"),
        versioned_glued=names("versioned", "glued"),
        python_same=names("python"),
        python_rename=renames("python", "rename"),
        node_same=names("node"),
        ruby_rename=renames("ruby", "rename"),
        absent=renames("absent"),
    )


def conda_names() -> frozenset[str]:
    """Every conda package name the table can produce (what the evidence must cover)."""
    t = _table()
    out = set(t.same) | set(t.python_same) | set(t.node_same) | {"python"}
    for spec in (*t.rename.values(), *t.python_rename.values(), *t.ruby_rename.values()):
        out.add(spec.split(" ", 1)[0])
    out.add(_COREPACK_HOST)
    return frozenset(out)


def lookup(attr_path: str, version: str | None = None) -> Mapped | Unmapped:
    """The conda-forge spec for a Flox `pkg-path` (list forms joined with '.')
    and its optional `version`, or the reason there is none."""
    path = attr_path.strip()
    if "/" in path:
        # `owner/name` is a package published to Flox's catalog by `owner`
        # (`flox publish`), built by its publisher: nixpkgs has no such attribute.
        return Unmapped(
            f"{path} is a package published to the Flox catalog, not a nixpkgs attribute"
        )
    t = _table()
    if path in t.absent:
        return Unmapped(f"{NO_COUNTERPART}: {t.absent[path]}")
    base = _attribute(path, t)
    if isinstance(base, Unmapped):
        return base
    spec, python = base
    if version is None or not version.strip():
        return Mapped(spec, python)
    try:
        wanted = conda_version(version)
    except ValueError as e:
        return Unmapped(f"{CANNOT_EXPRESS}: {e}")
    name, _, pinned = spec.partition(" ")
    try:
        combined = _combine(pinned, wanted)
    except ValueError as e:
        return Unmapped(f"{path} is {spec}, and version {version!r} is outside it: {e}")
    return Mapped(f"{name} {combined}" if combined else name, python)


# Node.js ships corepack up to 24 (corepack's README: "from 14.19.0 up to (but not
# including) 25.0.0"), and conda-forge's nodejs installs it (node's own
# tools/install.py, no --without-corepack): nixpkgs' corepack_N is that corepack.
_COREPACK_HOST = "nodejs"
_COREPACK_LAST = 24

_PYTHON = re.compile(r"python3(\d{1,2})(Full)?")
_PYTHON_SET = re.compile(r"python3(\d{1,2})?Packages")
_UNDERSCORED = re.compile(r"([A-Za-z][A-Za-z0-9-]*?)((?:_\d+)+)")
_GLUED = re.compile(r"([A-Za-z][A-Za-z-]*?)(\d+)")


def _attribute(path: str, t: _Table) -> tuple[str, str | None] | Unmapped:
    """The (spec, implied python) of an attribute path without its version."""
    if path in t.rename:
        return t.rename[path], None
    head, _, member = path.partition(".")
    if member:
        return _member(head, member, t)
    if path in t.same:
        return path, None
    m = _PYTHON.fullmatch(path)
    if m:
        # pythonXY is CPython X.Y; the Full variant adds tkinter and the like,
        # which conda-forge's python carries anyway.
        return f"python 3.{m.group(1)}.*", None
    m = _UNDERSCORED.fullmatch(path)
    if m:
        # nixpkgs spells a pinned release NAME_MAJOR[_MINOR]: nodejs_20,
        # postgresql_16, go_1_26, ruby_3_3.
        name, digits = m.group(1), m.group(2)[1:].replace("_", ".")
        if name in t.absent:
            return Unmapped(f"{NO_COUNTERPART}: {t.absent[name]}")
        if name == "corepack":
            return _corepack(digits)
        conda = _bare(name, t)
        if conda is not None:
            return f"{conda} {digits}.*", None
    m = _GLUED.fullmatch(path)
    if m and m.group(1) in t.versioned_glued:
        # Older families glue the major to the name: jdk17, gcc13.
        conda = _bare(m.group(1), t)
        if conda is not None:
            return f"{conda} {m.group(2)}.*", None
    return Unmapped(NOT_IN_TABLE)


def _bare(name: str, t: _Table) -> str | None:
    """The conda name for a versioned attribute's stem: only a plain rename or a
    same-named package (a rename that already pins a version cannot take another)."""
    if name in t.rename:
        spec = t.rename[name]
        return None if " " in spec else spec
    return name if name in t.same else None


def _corepack(digits: str) -> tuple[str, str | None] | Unmapped:
    if "." in digits or int(digits) > _COREPACK_LAST:
        return Unmapped(f"{NO_COUNTERPART}: Node.js ships corepack only up to {_COREPACK_LAST}")
    return f"{_COREPACK_HOST} {digits}.*", None


def _member(head: str, member: str, t: _Table) -> tuple[str, str | None] | Unmapped:
    """A package set's member: python3XPackages.X, nodePackages.X, rubyPackages.X."""
    if "." in member:
        return Unmapped(NOT_IN_TABLE)
    m = _PYTHON_SET.fullmatch(head)
    if m:
        python = f"python 3.{m.group(1)}.*" if m.group(1) else "python"
        if member in t.python_rename:
            return t.python_rename[member], python
        # conda-forge spells PyPI names in lower case, mostly with '-' for '_'.
        for name in dict.fromkeys((member.lower(), member.lower().replace("_", "-"))):
            if name in t.python_same:
                return name, python
        return Unmapped(NOT_IN_TABLE)
    if head in ("nodePackages", "nodePackages_latest"):
        if member in t.node_same:
            return member, None
        return Unmapped(NOT_IN_TABLE)
    if head == "rubyPackages" or head.startswith("rubyPackages_"):
        if member in t.ruby_rename:
            return t.ruby_rename[member], None
        return Unmapped(NOT_IN_TABLE)
    return Unmapped(NOT_IN_TABLE)


# -- versions ----------------------------------------------------------------

# What a conda version may hold (conda-build rejects '-'; '+' starts a local
# version, '!' ends an epoch, '_' is a separator like '.').
_CONDA_VERSION = re.compile(r"[0-9A-Za-z][0-9A-Za-z._+!]*")
_PART = re.compile(r"\d+|[xX*]")
_OPERATOR = re.compile(r"(>=|<=|>|<|=|~>|~|\^)\s+")


def conda_version(flox: str) -> str:
    """Flox's `version` as a conda version spec ("" when any version will do).

    Flox reads the field as a semver range (node-semver's syntax: `^1.2`,
    `~1.2.3`, `>=1.2 <2`, `1.2.x`, `a || b`, `1.2.3 - 2.0`), except that a
    leading `=` asks for that exact version, semver or not (what `flox install
    curl@8.1.1` writes), and a partial version is a prefix (`1.2`: the latest
    1.2.X). Raises ValueError with the reason when conda cannot express it.
    """
    text = flox.strip()
    exact = text[1:].strip()
    if text.startswith("=") and not exact.startswith("=") and not set(exact) & set(" |"):
        if not exact:
            raise ValueError(f"{flox!r} has no version after '='")
        if not _CONDA_VERSION.fullmatch(exact):
            raise ValueError(f"{flox!r}: conda versions have no {_odd(exact)}")
        return f"=={exact}"
    alternatives = [_conjunction(part, flox) for part in text.split("||")]
    if any(a == "" for a in alternatives):
        return ""  # one alternative admits everything
    return "|".join(alternatives)


def _odd(version: str) -> str:
    bad = sorted({c for c in version if not (c.isalnum() or c in "._+!")})
    return " or ".join(repr(c) for c in bad) if bad else f"version {version!r}"


def _conjunction(text: str, whole: str) -> str:
    """One `||` alternative: comparators that must all hold, joined with ','."""
    text = _OPERATOR.sub(r"\1", text.strip())
    if not text:
        raise ValueError(f"{whole!r} has an empty alternative")
    words = text.replace(",", " ").split()
    if len(words) == 3 and words[1] == "-":
        return _hyphen(words[0], words[2], whole)
    out: list[str] = []
    for word in words:
        out.extend(_comparator(word, whole))
    return ",".join(dict.fromkeys(out))


def _parts(version: str, whole: str) -> list[int]:
    """A semver version or partial version (1, 1.2, 1.2.3, 1.x, *) as its given
    numbers; wildcards end it. Raises ValueError for anything else."""
    v = version[1:] if version[:1] in "vV" and version[1:2].isdigit() else version
    if "-" in v or "+" in v:
        raise ValueError(f"{whole!r}: pre-release and build tags ({v}) have no conda spelling")
    pieces = v.split(".")
    if not v or len(pieces) > 3 or not all(_PART.fullmatch(p) for p in pieces):
        extra = (
            f"; write ={v} for exactly that version"
            if len(pieces) > 3 and _CONDA_VERSION.fullmatch(v)
            else ""
        )
        raise ValueError(f"{whole!r}: {version!r} is not a semver version{extra}")
    numbers: list[int] = []
    for piece in pieces:
        if not piece.isdigit():
            break
        numbers.append(int(piece))
    return numbers


def _dotted(numbers: list[int]) -> str:
    return ".".join(str(n) for n in numbers)


def _next(numbers: list[int]) -> str:
    """The first version past every X.Y... that starts with `numbers`."""
    return _dotted([*numbers[:-1], numbers[-1] + 1])


def _comparator(word: str, whole: str) -> Iterator[str]:
    """One semver comparator as conda constraints (none: any version)."""
    m = re.match(r"(>=|<=|>|<|=|~>|~|\^)?(.*)", word)
    assert m is not None
    op, version = m.group(1) or "", m.group(2)
    numbers = _parts(version, whole)
    if not numbers:  # *, x: no bound
        if op in ("<", ">"):
            raise ValueError(f"{whole!r}: {word!r} admits no version")
        return
    full = len(numbers) == 3
    wild = len(numbers) < len(version.split("."))  # 1.2.x, 1.*
    if op == "=" and not wild:
        yield f"=={_dotted(numbers)}"  # Flox's '=': that version exactly
    elif op in ("", "="):
        # A full version is exact; a partial one is a prefix (Flox: "1.2" is
        # the latest 1.2.X).
        yield f"=={_dotted(numbers)}" if full else f"{_dotted(numbers)}.*"
    elif op == ">=":
        yield f">={_dotted(numbers)}"
    elif op == "<":
        yield f"<{_dotted(numbers)}"
    elif op == ">":
        # semver's >1.2 is above every 1.2.X; conda's >1.2 admits 1.2.1.
        yield f">{_dotted(numbers)}" if full else f">={_next(numbers)}"
    elif op == "<=":
        # semver's <=1.2 admits every 1.2.X; conda's <=1.2 stops at 1.2(.0).
        yield f"<={_dotted(numbers)}" if full else f"<{_next(numbers)}"
    elif op in ("~", "~>"):
        # ~1.2.3 and ~1.2: same minor; ~1: same major.
        yield f">={_dotted(numbers)}"
        yield f"<{_next(numbers[:2])}"
    else:  # ^: the leftmost non-zero part given stays fixed
        yield f">={_dotted(numbers)}"
        # (^0.2.3 is <0.3, ^0.0.3 is <0.0.4; all zeros: the last part given, ^0.0 is <0.1).
        fixed = next((i for i, n in enumerate(numbers) if n != 0), len(numbers) - 1)
        yield f"<{_next(numbers[: fixed + 1])}"


def _hyphen(low: str, high: str, whole: str) -> str:
    """`A - B`: at least A, and at most B (a partial B admits all of it)."""
    lows, highs = _parts(low, whole), _parts(high, whole)
    out = [f">={_dotted(lows)}"] if lows else []
    if len(highs) == 3:
        out.append(f"<={_dotted(highs)}")
    elif highs:
        out.append(f"<{_next(highs)}")
    return ",".join(out)


def _combine(pinned: str, wanted: str) -> str:
    """The attribute's own pin (`20.*` for nodejs_20) and the entry's version,
    both conda version specs; raises ValueError when an exact version is outside
    the pin."""
    if not pinned:
        return wanted
    if not wanted:
        return pinned
    exact = wanted[2:] if wanted.startswith("==") and not set(wanted) & set("|,") else None
    if exact is not None and pinned.endswith(".*") and _CONDA_VERSION.fullmatch(pinned[:-2]):
        # An exact version inside the pin says it all; outside it, nothing matches.
        prefix = pinned[:-2]
        if exact != prefix and not exact.startswith(prefix + "."):
            raise ValueError(f"{exact} is not {pinned}")
        return wanted
    # ',' binds tighter than '|' in a conda spec: pin each alternative.
    return "|".join(f"{pinned},{alt}" for alt in wanted.split("|"))
