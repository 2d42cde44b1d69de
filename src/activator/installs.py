"""Read `[install]` and the package options of a manifest.

An entry names its package in exactly one way: Flox's `pkg-path`, `flake`
or `store-path` (which need Nix), or activate's `pip` (a PEP 508
requirement, built with uv) or `conda` (a conda match spec, built with
py-rattler). Entries may also live in `[plugins.activate.install]`, and
options in `[plugins.activate.options]`, for manifests that Flox must still
read. Specs are checked here, when the manifest is read, so that a bad one
is an error naming its line before anything runs.
"""

from __future__ import annotations

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable

    from .errors import ActivateError

    _Fail = Callable[[str, tuple[str, ...], str], ActivateError]

# The keys that name where a package comes from: Flox's, then activate's own.
NIX_SOURCES = ("pkg-path", "flake", "store-path")
SOURCES = (*NIX_SOURCES, "pip", "conda")
# The other keys an entry may have (Flox's descriptor).
ENTRY_KEYS = ("version", "systems", "pkg-group", "priority", "outputs")

PIP_OPTIONS = {
    "python": str,
    "index-url": str,
    "extra-index-urls": list,
    "find-links": list,
    "no-index": bool,
}
CONDA_OPTIONS = {"channels": list}


class Installs:
    """The `[install]` entries, by backend, and the package options."""

    __slots__ = ("nix", "pip", "conda", "catalog", "options")

    def __init__(self) -> None:
        # (install id, 'pkg-path "go"', why not provided): not available without Nix
        self.nix: list[tuple[str, str, str]] = []
        # pkg-path entries mapped to conda-forge (catalog.py), provided best effort:
        # (install id, 'pkg-path "nodejs_20"', conda spec, normalized spec)
        self.catalog: list[tuple[str, str, str, str]] = []
        self.pip: list[tuple[str, str, str]] = []  # (install id, requirement, normalized)
        self.conda: list[tuple[str, str, str]] = []  # (install id, match spec, normalized)
        self.options: dict[str, dict[str, object]] = {"pip": {}, "conda": {}}


def read(data: dict[str, object], system: str, fail: _Fail) -> Installs:
    """The entries of `[install]` and `[plugins.activate.install]` that apply on
    `system`, and the options of `[options] activate.pip/conda` and
    `[plugins.activate.options]`."""
    out = Installs()
    plugin = _table(
        _table(data.get("plugins"), ("plugins",), fail).get("activate"),
        ("plugins", "activate"),
        fail,
    )
    tables = [
        (("install",), data.get("install")),
        (("plugins", "activate", "install"), plugin.get("install")),
    ]
    catalog_on = _catalog_option(data, plugin, fail) != "none"
    seen: dict[str, tuple[str, ...]] = {}
    for where, table in tables:
        for pid, entry in _table(table, where, fail).items():
            if pid in seen:
                raise fail(
                    f"[install] {pid} is defined twice: in [{'.'.join(seen[pid])}] and [{'.'.join(where)}]",
                    (*where, pid),
                    "keep one of them",
                )
            seen[pid] = where
            _entry(out, pid, entry, (*where, pid), system, fail, catalog_on)
    options = _table(data.get("options"), ("options",), fail).get("activate")
    for where, table in (
        (("options", "activate"), options if isinstance(options, dict) else {}),
        (
            ("plugins", "activate", "options"),
            _table(plugin.get("options"), ("plugins", "activate", "options"), fail),
        ),
    ):
        for backend, known in (("pip", PIP_OPTIONS), ("conda", CONDA_OPTIONS)):
            given = _table(table.get(backend), (*where, backend), fail)
            for key, value in given.items():
                kind = known.get(key)
                if kind is None:
                    import difflib

                    close = difflib.get_close_matches(key, list(known), n=1)
                    hint = (
                        f"did you mean {backend}.{close[0]}?"
                        if close
                        else "known: " + ", ".join(known)
                    )
                    raise fail(f"unknown option {backend}.{key}", (*where, backend, key), hint)
                if not isinstance(value, kind) or (
                    kind is list and not all(isinstance(v, str) and v for v in value)  # type: ignore[attr-defined]
                ):
                    shown = {str: "a string", list: "a list of strings", bool: "true or false"}[
                        kind
                    ]
                    raise fail(
                        f"{backend}.{key} must be {shown}",
                        (*where, backend, key),
                        f"write {backend}.{key} as {shown}",
                    )
                out.options[backend][key] = value
    return out


CATALOGS = ("conda-forge", "none")
NIX_WHY = "packages need Nix, which activate does not use"


def _catalog_option(data: dict[str, object], plugin: dict[str, object], fail: _Fail) -> str:
    """`[options] activate.catalog`: "conda-forge" (the default: pkg-path entries
    are mapped to conda-forge packages) or "none" (they are only named)."""
    options = data.get("options")
    activate = options.get("activate") if isinstance(options, dict) else None
    given = activate.get("catalog") if isinstance(activate, dict) else None
    where: tuple[str, ...] = ("options", "activate", "catalog")
    plugin_options = plugin.get("options")
    if given is None and isinstance(plugin_options, dict):
        given, where = plugin_options.get("catalog"), ("plugins", "activate", "options", "catalog")
    if given is None:
        return "conda-forge"
    if given not in CATALOGS:
        raise fail(
            f"catalog must be one of {', '.join(map(repr, CATALOGS))}, not {given!r}",
            where,
            'activate.catalog = "conda-forge" maps pkg-path entries to conda-forge packages; "none" only names them',
        )
    return str(given)


def _table(value: object, where: tuple[str, ...], fail: _Fail) -> dict[str, object]:
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise fail(
            f"[{'.'.join(where)}] must be a table", where, f"write it as [{'.'.join(where)}]"
        )
    return value


def _entry(
    out: Installs,
    pid: str,
    entry: object,
    where: tuple[str, ...],
    system: str,
    fail: _Fail,
    catalog_on: bool = True,
) -> None:
    if not isinstance(entry, dict):
        raise fail(
            f"[install] {pid} must be a table",
            where,
            f'write it as {pid}.pkg-path = "..." (or {pid}.pip, {pid}.conda)',
        )
    sources = [k for k in SOURCES if k in entry]
    for key in entry:
        if key not in SOURCES and key not in ENTRY_KEYS:
            import difflib

            close = difflib.get_close_matches(key, [*SOURCES, *ENTRY_KEYS], n=1)
            hint = (
                f"did you mean {pid}.{close[0]}?"
                if close
                else "an entry has one of " + ", ".join(SOURCES)
            )
            raise fail(f"[install] {pid} has an unknown key {key!r}", (*where, key), hint)
    if len(sources) != 1:
        said = "none" if not sources else " and ".join(sources)
        raise fail(
            f"[install] {pid} must name its package in exactly one way, not {said}",
            where,
            "give one of " + ", ".join(f"{pid}.{s}" for s in SOURCES),
        )
    source = sources[0]
    systems = entry.get("systems")
    if systems is not None and (
        not isinstance(systems, list) or not all(isinstance(s, str) for s in systems)
    ):
        raise fail(
            f"[install] {pid}.systems must be a list of systems",
            (*where, "systems"),
            'e.g. systems = ["x86_64-linux"]',
        )
    if systems is not None and system not in systems:
        return  # Flox's meaning: only on these systems (not asked for on this one)
    value = entry[source]
    if source in NIX_SOURCES:
        shown = ".".join(value) if isinstance(value, list) else str(value)
        described = f'{source} "{shown}"'
        if source == "pkg-path" and catalog_on:
            _from_catalog(out, pid, shown, described, entry.get("version"), where, fail)
        else:
            out.nix.append((pid, described, NIX_WHY))
        return
    if not isinstance(value, str) or not value.strip():
        raise fail(
            f"[install] {pid}.{source} must be a string",
            (*where, source),
            f'e.g. {pid}.{source} = "{pid}"',
        )
    for key in ("version", "pkg-group", "priority", "outputs"):
        if key in entry:
            raise fail(
                f"[install] {pid}.{key} is for pkg-path entries; a {source} entry gives versions in its spec",
                (*where, key),
                f'e.g. {pid}.{source} = "{pid}{">=1.0" if source == "pip" else " >=1.0"}"',
            )
    try:
        normal = normalize_pip(value) if source == "pip" else normalize_conda(value)
    except ValueError as e:
        kind = "a PEP 508 requirement" if source == "pip" else "a conda match spec"
        example = '"requests>=2.31"' if source == "pip" else '"jq >=1.7"'
        raise fail(
            f"[install] {pid}.{source} is not {kind}: {e}",
            (*where, source),
            f"e.g. {pid}.{source} = {example}",
        ) from None
    (out.pip if source == "pip" else out.conda).append((pid, value, normal))


def _from_catalog(
    out: Installs,
    pid: str,
    attr: str,
    described: str,
    version: object,
    where: tuple[str, ...],
    fail: _Fail,
) -> None:
    """A pkg-path entry as a conda-forge package (catalog.py), or named as not
    available with the reason. A version the translation cannot express is
    an error: the entry asks for something activate would not give."""
    from . import catalog

    if version is not None and not isinstance(version, str):
        raise fail(
            f"[install] {pid}.version must be a string",
            (*where, "version"),
            'e.g. version = "^1.2"',
        )
    found = catalog.lookup(attr, version)
    if isinstance(found, catalog.Unmapped):
        if version and isinstance(catalog.lookup(attr), catalog.Mapped):
            raise fail(
                f"[install] {pid}.version {version!r} cannot be given to conda-forge: {found.reason}",
                (*where, "version"),
                "use an exact version, a range (^1.2, ~1.2, >=1.2,<2) or a wildcard (1.2.*)",
            )
        out.nix.append((pid, described, found.reason))
        return
    specs = [found.spec] + ([found.python] if found.python else [])
    for spec in specs:  # a python package set's member brings its python along
        out.catalog.append((pid, described, spec, normalize_conda(spec)))


def normalize_pip(requirement: str) -> str:
    """A PEP 508 requirement in one canonical spelling: the name as PEP 503
    (case, `-`/`_`/`.`), extras and specifiers sorted, no spaces. Raises
    ValueError with the reason when it is not a requirement."""
    from packaging.requirements import InvalidRequirement, Requirement
    from packaging.utils import canonicalize_name

    try:
        req = Requirement(requirement)
    except InvalidRequirement as e:
        raise ValueError(str(e).splitlines()[0]) from None
    out = str(canonicalize_name(req.name))
    if req.extras:
        out += "[" + ",".join(sorted(canonicalize_name(x) for x in req.extras)) + "]"
    if req.url:
        out += f" @ {req.url}"
    specs = sorted(str(s) for s in req.specifier)
    out += ",".join(specs)
    if req.marker is not None:
        out += f"; {req.marker}"
    return out


_CONDA_NAME = frozenset("abcdefghijklmnopqrstuvwxyz0123456789_.-")
_CONDA_VERSION = frozenset(
    "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ.*_+!,|<>=~"
)


def normalize_conda(spec: str) -> str:
    """A conda match spec (`name`, `name 1.7.*`, `name >=1.7,<2`, `name==1.7.1`,
    `name 1.7 build*`, `channel::name ...`) in one spelling: the name lower-case,
    one space between parts. Raises ValueError with the reason."""
    text = spec.strip()
    channel = ""
    if "::" in text:
        channel, _, text = text.partition("::")
        if not channel or any(c.isspace() for c in channel):
            raise ValueError(f"bad channel in {spec!r}")
        channel += "::"
    name_end = 0
    while name_end < len(text) and text[name_end].lower() in _CONDA_NAME:
        name_end += 1
    name, rest = text[:name_end].lower(), text[name_end:].strip()
    if not name or not name[0].isalnum():
        raise ValueError(f"no package name at the start of {spec!r}")
    if "[" in rest or "]" in rest:
        raise ValueError(
            "bracketed options ([version=...]) are not supported; write 'name VERSION'"
        )
    parts = rest.replace(", ", ",").split()
    if len(parts) > 2:
        raise ValueError(f"{spec!r} has more than a version and a build")
    if parts and not all(c in _CONDA_VERSION for c in parts[0]):
        raise ValueError(f"{parts[0]!r} is not a version constraint")
    return " ".join([channel + name, *parts])


def entry_id(backend: str, spec: str) -> str:
    """The install id `activate install --pip/--conda SPEC` gives an entry:
    the package's name (PEP 503 normalized for pip). Raises ValueError for a bad spec."""
    if backend == "pip":
        normalize_pip(spec)  # the reason, when it is not a requirement
        from packaging.requirements import Requirement
        from packaging.utils import canonicalize_name

        return str(canonicalize_name(Requirement(spec).name))
    return normalize_conda(spec).split(" ")[0].split("::")[-1]
