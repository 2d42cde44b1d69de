"""The catalog: Flox `pkg-path` entries mapped to conda-forge match specs.

- the patterns (renames, versioned attributes, package sets) and the translation
  of Flox's `version` field, checked against what semver means (node-semver's
  ranges, Flox's `=` and partial versions) with rattler's own version matching;
- the evidence: every conda name the table can produce is in
  tests/data/conda-forge-names.txt, the list of names checked in conda-forge's
  feedstock recipes;
- the shared corpus: every `pkg-path` entry is mapped or says why not, every name
  produced is in the evidence, and at least 85% of the entries are mapped.

`python tests/test_catalog.py` prints the corpus figures (docs/catalog.md quotes them).
"""

from __future__ import annotations

import subprocess
import sys
import tomllib
from collections import Counter
from pathlib import Path

import pytest

from activator import catalog
from activator.catalog import CANNOT_EXPRESS, NOT_IN_TABLE, Mapped, Unmapped
from activator.installs import normalize_conda

from conftest import CORPUS, IN_CI

EVIDENCE = Path(__file__).parent / "data" / "conda-forge-names.txt"
GOAL = 0.85  # the share of the corpus's pkg-path entries the issue asks to map

rattler = pytest.importorskip("rattler") if not IN_CI else __import__("rattler")


def evidence() -> dict[str, list[tuple[str, str]]]:
    """The checked names: name -> [(repository, recipe path)]."""
    out: dict[str, list[tuple[str, str]]] = {}
    for number, line in enumerate(EVIDENCE.read_text().splitlines(), 1):
        if not line.strip() or line.startswith("#"):
            continue
        fields = line.split("\t")
        assert len(fields) == 3, f"{EVIDENCE.name}:{number}: want name<TAB>repo<TAB>recipe"
        name, repo, recipe = fields
        assert repo.startswith("conda-forge/"), f"{EVIDENCE.name}:{number}: {repo}"
        assert recipe.endswith(("/meta.yaml", "/recipe.yaml")), f"{EVIDENCE.name}:{number}"
        out.setdefault(name, []).append((repo, recipe))
    return out


def unverified(names: frozenset[str] | set[str]) -> list[str]:
    """The names that have no line in the evidence."""
    checked = evidence()
    return sorted(n for n in names if n not in checked)


# -- the table and its evidence ------------------------------------------------


def test_every_name_the_table_can_produce_is_checked() -> None:
    assert unverified(catalog.conda_names()) == []


def test_an_unverified_name_in_the_table_is_caught(monkeypatch: pytest.MonkeyPatch) -> None:
    table = catalog._table()
    bad = type(table)(**{**vars(table), "same": table.same | {"surely-not-on-conda-forge"}})
    monkeypatch.setattr(catalog, "_table", lambda: bad)
    assert unverified(catalog.conda_names()) == ["surely-not-on-conda-forge"]
    assert catalog.lookup("surely-not-on-conda-forge") == Mapped("surely-not-on-conda-forge")


def test_the_table_is_consistent() -> None:
    t = catalog._table()
    assert not t.same & set(t.rename), "an attribute is both same-named and renamed"
    assert not set(t.absent) & (t.same | set(t.rename)), "an absent attribute is mapped"
    for stem in t.versioned_glued:
        assert stem in t.same or stem in t.rename, stem
    for spec in (*t.rename.values(), *t.python_rename.values(), *t.ruby_rename.values()):
        assert normalize_conda(spec) == spec, spec
        rattler.MatchSpec(spec)
    for name in catalog.conda_names():
        assert normalize_conda(name) == name, name


def test_the_table_ships_with_the_package_and_loads_lightly() -> None:
    assert Path(catalog.__file__).with_name("catalog.toml").is_file()
    code = (
        "import sys; from activator import catalog; catalog.lookup('nodejs_20', '^20.1');"
        " print(' '.join(m for m in ('pathlib', 'importlib.resources', 'packaging', 'rich',"
        " 'tomlkit', 'rattler') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""


# -- the patterns --------------------------------------------------------------


@pytest.mark.parametrize(
    ("attr", "spec", "python"),
    [
        # renames and same-named packages
        ("gnumake", "make", None),
        ("gnused", "sed", None),
        ("python3", "python", None),
        ("yq-go", "go-yq", None),
        ("yq", "yq", None),
        ("fd", "fd-find", None),
        ("kubectl", "kubernetes-client", None),
        ("awscli2", "awscli 2.*", None),
        ("redis", "redis-server", None),
        ("rustPlatform.rustLibSrc", "rust-src", None),
        ("nodejs", "nodejs", None),
        ("postgresql", "postgresql", None),
        ("kubernetes-helm", "kubernetes-helm", None),
        # versioned attributes
        ("nodejs_20", "nodejs 20.*", None),
        ("postgresql_16", "postgresql 16.*", None),
        ("go_1_26", "go 1.26.*", None),
        ("ruby_3_3", "ruby 3.3.*", None),
        ("ffmpeg_5", "ffmpeg 5.*", None),
        ("python311", "python 3.11.*", None),
        ("python312Full", "python 3.12.*", None),
        ("jdk17", "openjdk 17.*", None),
        ("openjdk21", "openjdk 21.*", None),
        ("gcc13", "gcc 13.*", None),
        ("jdk_21", "openjdk 21.*", None),
        ("corepack_24", "nodejs 24.*", None),
        # package sets
        ("python312Packages.numpy", "numpy", "python 3.12.*"),
        ("python311Packages.requests", None, None),
        ("python3Packages.click", "click", "python"),
        ("python313Packages.uv", "uv", "python 3.13.*"),
        ("nodePackages.typescript", "typescript", None),
    ],
)
def test_patterns(attr: str, spec: str | None, python: str | None) -> None:
    got = catalog.lookup(attr)
    if spec is None:
        assert got == Unmapped(NOT_IN_TABLE)
        return
    assert got == Mapped(spec, python)
    assert normalize_conda(got.spec) == got.spec
    rattler.MatchSpec(got.spec)


@pytest.mark.parametrize(
    ("attr", "says"),
    [
        ("surely-not-a-package", NOT_IN_TABLE),
        ("nodejs_unknown", NOT_IN_TABLE),
        ("frobnicate_3", NOT_IN_TABLE),  # a version on an unknown stem
        ("python3Packages.surely-not-a-package", NOT_IN_TABLE),
        ("rubyPackages.rspec", NOT_IN_TABLE),
        ("nodePackages.surely-not-a-package", NOT_IN_TABLE),
        ("haskellPackages.pandoc", NOT_IN_TABLE),
        ("python3Packages.a.b", NOT_IN_TABLE),
        ("corepack_25", "only up to 24"),
        ("cassandra_4", "not Apache Cassandra"),
        ("air", "R formatter"),
        ("glibc", "sysroot"),
        ("flox/claude-code", "published to the Flox catalog"),
    ],
)
def test_unmapped_says_why(attr: str, says: str) -> None:
    got = catalog.lookup(attr)
    assert isinstance(got, Unmapped)
    assert says in got.reason


def test_glued_versions_only_for_known_families() -> None:
    # bzip2, lz4, faust2: digits that are part of the name, not a version
    for attr in ("bzip2", "lz4", "faust2", "libxml2"):
        got = catalog.lookup(attr)
        assert not (isinstance(got, Mapped) and got.spec.endswith(".*")), (attr, got)


# -- versions ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("flox", "conda"),
    [
        # exact: a full version, or Flox's `=` (what `flox install curl@8.1.1` writes)
        ("1.2.3", "==1.2.3"),
        ("v1.2.3", "==1.2.3"),
        ("=1.2.3", "==1.2.3"),
        ("=8.1", "==8.1"),
        ("=2024.01.01", "==2024.01.01"),
        # a partial version is a prefix (Flox: "1.2" is the latest 1.2.X)
        ("1.2", "1.2.*"),
        ("1", "1.*"),
        ("1.2.x", "1.2.*"),
        ("1.X", "1.*"),
        ("1.2.*", "1.2.*"),
        ("*", ""),
        ("x", ""),
        # caret: the leftmost non-zero part stays
        ("^1.2", ">=1.2,<2"),
        ("^1.2.3", ">=1.2.3,<2"),
        ("^1", ">=1,<2"),
        ("^0.5.0", ">=0.5.0,<0.6"),
        ("^0.5", ">=0.5,<0.6"),
        ("^0.0.3", ">=0.0.3,<0.0.4"),
        ("^0.0", ">=0.0,<0.1"),
        ("^0", ">=0,<1"),
        ("^1.x", ">=1,<2"),
        # tilde: the minor stays (the major, when only it is given)
        ("~1.2", ">=1.2,<1.3"),
        ("~1.2.3", ">=1.2.3,<1.3"),
        ("~1", ">=1,<2"),
        ("~>1.2", ">=1.2,<1.3"),
        # comparators: semver's partial bounds cover the whole prefix
        (">=1.2", ">=1.2"),
        (">= 1.2", ">=1.2"),
        ("<2", "<2"),
        (">1.2.3", ">1.2.3"),
        (">1.2", ">=1.3"),
        ("<=1.2.3", "<=1.2.3"),
        ("<=1.2", "<1.3"),
        (">=*", ""),
        # conjunctions, alternatives, hyphen ranges
        (">=1.2,<2", ">=1.2,<2"),
        (">=1.2 <2", ">=1.2,<2"),
        (">=1.2, <2", ">=1.2,<2"),
        ("^1.2 || ^2.1", ">=1.2,<2|>=2.1,<3"),
        ("1.2 || *", ""),
        ("1.2.3 - 2.3.4", ">=1.2.3,<=2.3.4"),
        ("1.2 - 2.3", ">=1.2,<2.4"),
        ("1.2.3 - 2", ">=1.2.3,<3"),
        ("=1.2 || =1.4", "==1.2|==1.4"),
        ("=1.2.x || 2", "1.2.*|2.*"),
    ],
)
def test_version_translation(flox: str, conda: str) -> None:
    assert catalog.conda_version(flox) == conda
    if conda:
        rattler.VersionSpec(conda)
        assert normalize_conda(f"jq {conda}") == f"jq {conda}"


@pytest.mark.parametrize(
    ("flox", "version", "admitted"),
    [
        ("^1.2", "1.9.7", True),
        ("^1.2", "2.0.0", False),
        ("^1.2", "1.1.9", False),
        ("^0.5.0", "0.5.9", True),
        ("^0.5.0", "0.6.0", False),
        ("^0.0.3", "0.0.4", False),
        ("~1.2.3", "1.2.9", True),
        ("~1.2.3", "1.3.0", False),
        (">1.2", "1.2.5", False),
        (">1.2", "1.3.0", True),
        ("<=1.2", "1.2.9", True),
        ("<=1.2", "1.3.0", False),
        ("<1.2", "1.1.9", True),
        ("<1.2", "1.2.0", False),
        ("1.2", "1.2.7", True),
        ("1.2", "1.20.0", False),
        ("1.2", "1.3.0", False),
        ("1.2.3", "1.2.3", True),
        ("1.2.3", "1.2.4", False),
        ("1.2.3 - 2.3", "2.3.9", True),
        ("1.2.3 - 2.3", "2.4.0", False),
        ("^1.2 || ^3", "2.0.0", False),
        ("^1.2 || ^3", "3.5.0", True),
        ("=1.2 || =1.4", "1.2.0", True),
        ("=1.2 || =1.4", "1.2.1", False),
        ("=1.2 || =1.4", "1.4", True),
    ],
)
def test_translated_versions_admit_what_semver_does(
    flox: str, version: str, admitted: bool
) -> None:
    spec = rattler.VersionSpec(catalog.conda_version(flox))
    assert spec.matches(rattler.Version(version)) is admitted


@pytest.mark.parametrize(
    ("flox", "says"),
    [
        ("1.2.3-beta.1", "pre-release"),
        ("^2.0.0-rc.1", "pre-release"),
        ("1.2.3+build.5", "build tags"),
        ("=1.2.3-rc1", "'-'"),
        ("=2024-01-01", "'-'"),
        ("=", "no version after '='"),
        ("latest", "not a semver version"),
        ("3.9.0.2", "write =3.9.0.2"),
        ("==1.2.3", "not a semver version"),
        ("^", "not a semver version"),
        ("<*", "admits no version"),
        ("1.2 ||", "empty alternative"),
    ],
)
def test_versions_conda_cannot_express(flox: str, says: str) -> None:
    with pytest.raises(ValueError) as raised:
        catalog.conda_version(flox)
    assert says in str(raised.value)
    got = catalog.lookup("jq", flox)
    assert isinstance(got, Unmapped)
    assert got.reason.startswith(CANNOT_EXPRESS + ": ")
    assert says in got.reason


@pytest.mark.parametrize(
    ("attr", "version", "spec"),
    [
        ("python3", "3.12", "python 3.12.*"),
        ("python3", "^3.11", "python >=3.11,<4"),
        ("python3", "3.12.5", "python ==3.12.5"),
        ("nodejs", "", "nodejs"),
        ("nodejs", "*", "nodejs"),
        ("gnumake", "~4.4", "make >=4.4,<4.5"),
        ("nodejs_22", "22.22.2", "nodejs ==22.22.2"),  # an exact version inside the pin
        ("corepack_24", "24.12.0", "nodejs ==24.12.0"),
        ("go_1_26", "^1.26", "go 1.26.*,>=1.26,<2"),
        ("nodejs_20", "^20.1 || ^21", "nodejs 20.*,>=20.1,<21|20.*,>=21,<22"),
        ("awscli2", "2.15.0", "awscli ==2.15.0"),
        ("python312Packages.numpy", "^2", "numpy >=2,<3"),
    ],
)
def test_versions_on_entries(attr: str, version: str, spec: str) -> None:
    got = catalog.lookup(attr, version)
    assert isinstance(got, Mapped), got
    assert got.spec == spec
    rattler.MatchSpec(got.spec)


def test_a_version_outside_the_attribute_is_unmapped() -> None:
    got = catalog.lookup("nodejs_20", "22.1.0")
    assert got == Unmapped(
        "nodejs_20 is nodejs 20.*, and version '22.1.0' is outside it: 22.1.0 is not 20.*"
    )
    assert isinstance(catalog.lookup("awscli", "=2.1"), Unmapped)


# -- the corpus ----------------------------------------------------------------


def corpus_entries() -> tuple[list[tuple[str, str, str | None]], list[str]]:
    """Every pkg-path entry of the shared corpus: (file, pkg-path, version), and the
    files that are not TOML (their entries cannot be read, by Flox either)."""
    entries: list[tuple[str, str, str | None]] = []
    unreadable: list[str] = []
    for path in sorted(CORPUS.glob("*.toml")):
        try:
            data = tomllib.loads(path.read_text())
        except tomllib.TOMLDecodeError:
            unreadable.append(path.name)
            continue
        install = data.get("install", {})
        for entry in install.values() if isinstance(install, dict) else ():
            if not isinstance(entry, dict) or "pkg-path" not in entry:
                continue
            pkg = entry["pkg-path"]
            attr = ".".join(pkg) if isinstance(pkg, list) else str(pkg)
            version = entry.get("version")
            entries.append((path.name, attr, version if isinstance(version, str) else None))
    return entries, unreadable


def corpus_figures() -> tuple[int, int, Counter[str], set[str]]:
    """(mapped, total, unmapped attribute counts, conda names produced)."""
    entries, _ = corpus_entries()
    mapped = 0
    missing: Counter[str] = Counter()
    names: set[str] = set()
    for _, attr, version in entries:
        got = catalog.lookup(attr, version)
        if isinstance(got, Mapped):
            mapped += 1
            names.add(got.name)
            if got.python:
                names.add(got.python.split()[0])
        else:
            missing[attr] += 1
    return mapped, len(entries), missing, names


def need_corpus() -> None:
    if not any(CORPUS.glob("*.toml")):
        # CI runs from a fresh clone beside ../shared: a missing corpus there is a
        # broken set-up, not a reason to test less.
        if IN_CI:
            pytest.fail(f"the shared corpus is missing: no manifests in {CORPUS}")
        pytest.skip("the shared corpus is not beside the checkout")


def test_corpus_names_are_checked_and_coverage_meets_the_goal() -> None:
    need_corpus()
    mapped, total, missing, names = corpus_figures()
    assert total > 300, total  # every manifest's entries were read
    assert unverified(names) == []
    assert mapped / total >= GOAL, (
        f"{mapped}/{total} = {mapped / total:.1%} mapped; most common unmapped: "
        + ", ".join(f"{a} ({n})" for a, n in missing.most_common(10))
    )


def test_every_corpus_entry_maps_or_says_why() -> None:
    need_corpus()
    entries, unreadable = corpus_entries()
    assert len(unreadable) <= 1, unreadable  # 018 is not TOML, as in its repository
    for file, attr, version in entries:
        got = catalog.lookup(attr, version)
        if isinstance(got, Mapped):
            assert normalize_conda(got.spec) == got.spec, (file, attr)
            rattler.MatchSpec(got.spec)
        else:
            assert got.reason, (file, attr)


if __name__ == "__main__":
    mapped, total, missing, names = corpus_figures()
    entries, unreadable = corpus_entries()
    print(f"{total} pkg-path entries in {len({f for f, _, _ in entries})} manifests", end="")
    print(f" ({len(unreadable)} not TOML: {', '.join(unreadable)})" if unreadable else "")
    print(f"mapped: {mapped}/{total} = {mapped / total:.1%}; {len(names)} conda names")
    print(f"unmapped: {total - mapped} entries, {len(missing)} attributes:")
    for attr, n in missing.most_common():
        got = catalog.lookup(attr)
        reason = got.reason if isinstance(got, Unmapped) else "its version"
        print(f"  {n}  {attr}: {reason}")
