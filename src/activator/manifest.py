"""Read and validate a manifest (Flox's `manifest.toml` format).

`load` is the only place the TOML is parsed. It returns a `Manifest` holding
just what activation uses, already validated, in plain types so it can be
cached in the activation record and read back without tomllib.
"""

from __future__ import annotations

from . import varrefs
from .errors import EXIT_MANIFEST, ActivateError
from .supported import MODES, SHELLS, system
from .values import Value

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable

    # Builds the error for a bad key: (summary, dotted key, hint).
    _Fail = Callable[[str, tuple[str, ...], str], ActivateError]

PROFILE_SHELLS = ("common", *SHELLS)
# [profile] deactivate-common etc.: run when leaving an in-place activation
PROFILE_KEYS = (*PROFILE_SHELLS, *(f"deactivate-{s}" for s in PROFILE_SHELLS))
KNOWN_TOP_LEVEL = (
    "version",
    "schema-version",
    "install",
    "vars",
    "hook",
    "profile",
    "options",
    "services",
    "build",
    "include",
    "containerize",
    "description",
    "minimum-cli-version",
    "pkg-groups",
    "plugins",
)


class Service(Value):
    """One `[services]` entry: a bash command run under a supervisor."""

    __slots__ = ("name", "command", "vars", "is_daemon", "shutdown", "systems", "line")

    def __init__(
        self,
        name: str,
        command: str,
        vars: dict[str, str] | None = None,
        is_daemon: bool = False,
        shutdown: str | None = None,
        systems: list[str] | None = None,
        line: int | None = None,
    ) -> None:
        self.name = name
        self.command = command  # bash
        self.vars = vars if vars is not None else {}  # set for this service only, literally
        self.is_daemon = is_daemon  # the command forks a daemon and returns
        self.shutdown = shutdown  # shutdown.command: run to stop it (instead of SIGTERM first)
        self.systems = systems  # None: every system
        self.line = line  # the manifest line that defines it

    def applies(self, system: str) -> bool:
        """True when the service runs on `system` (its `systems`, if any, list it)."""
        return self.systems is None or system in self.systems

    def to_record(self) -> tuple[object, ...]:
        """Plain data (marshal-able)."""
        return (
            self.name,
            self.command,
            self.vars,
            self.is_daemon,
            self.shutdown,
            self.systems,
            self.line,
        )

    @classmethod
    def from_record(cls, data: tuple[object, ...] | list[object]) -> Service:
        """Inverse of `to_record`."""
        name, command, vars, is_daemon, shutdown, systems, line = data
        return cls(
            str(name),
            str(command),
            {str(k): str(v) for k, v in vars.items()},  # type: ignore[attr-defined]
            bool(is_daemon),
            None if shutdown is None else str(shutdown),
            None if systems is None else [str(s) for s in systems],  # type: ignore[attr-defined]
            None if line is None else int(line),  # type: ignore[call-overload]
        )


class Manifest(Value):
    """The validated parts of a manifest that activation uses."""

    __slots__ = (
        "path",
        "vars",
        "var_order",
        "hook",
        "hook_line",
        "hook_key",
        "profile",
        "mode",
        "systems",
        "unsupported",
        "env_files",
        "packages",
        "services",
        "auto_start",
        "includes",
        "pip",
        "conda",
        "package_options",
        "catalog",
        "hook_pieces",
        "profile_pieces",
        "included",
    )

    def __init__(
        self,
        path: str,
        vars: dict[str, list[varrefs.Part]] | None = None,
        var_order: list[str] | None = None,
        hook: str | None = None,
        hook_line: int | None = None,
        hook_key: str = "on-activate",
        profile: dict[str, str] | None = None,
        mode: str | None = None,
        systems: list[str] | None = None,
        unsupported: list[str] | None = None,
        env_files: list[str] | None = None,
        packages: list[tuple[str, str, str]] | None = None,
        services: list[Service] | None = None,
        auto_start: bool | None = None,
        includes: list[str] | None = None,
        pip: list[tuple[str, str, str]] | None = None,
        conda: list[tuple[str, str, str]] | None = None,
        package_options: dict[str, dict[str, object]] | None = None,
        catalog: list[tuple[str, str, str, str]] | None = None,
        hook_pieces: list[tuple[str, int, str]] | None = None,
        profile_pieces: dict[str, list[tuple[str, str]]] | None = None,
        included: list[tuple[str, str]] | None = None,
    ) -> None:
        self.path = path
        self.vars = vars if vars is not None else {}
        self.var_order = var_order if var_order is not None else []
        self.hook = hook
        self.hook_line = hook_line  # manifest line of the hook's first line
        self.hook_key = hook_key  # "on-activate", or "script" in older manifests
        self.profile = profile if profile is not None else {}
        self.mode = mode
        self.systems = systems
        self.unsupported = unsupported if unsupported is not None else []
        self.env_files = (
            env_files if env_files is not None else []
        )  # dotenv files, project-relative
        # What the manifest asks for that activate cannot provide yet (see missing.py):
        self.packages = packages if packages is not None else []  # [install]: (id, source, why)
        self.services = services if services is not None else []  # [services] definitions
        self.auto_start = auto_start  # [services] auto-start (None: not given)
        self.includes = includes if includes is not None else []  # [include] environments
        # Packages activate provides: (install id, spec as written, normalized spec)
        self.pip = pip if pip is not None else []
        self.conda = conda if conda is not None else []
        # [options] activate.pip / activate.conda (see installs.py)
        self.package_options = package_options if package_options is not None else {}
        # pkg-path entries mapped to conda-forge: (id, 'pkg-path "x"', spec, normalized)
        self.catalog = catalog if catalog is not None else []
        # A composed manifest ([include], compose.py): the hook and each [profile]
        # key in pieces, each with its own file (and the hook's first line);
        # empty for a manifest that includes nothing (hook, profile say it all).
        self.hook_pieces = hook_pieces if hook_pieces is not None else []
        self.profile_pieces = profile_pieces if profile_pieces is not None else {}
        # the environments merged in: (dir as written, its manifest), nested ones too
        self.included = included if included is not None else []

    def hook_parts(self) -> list[tuple[str, int, str]]:
        """The hook as (manifest path, first line, text) pieces, run in order."""
        if self.hook_pieces:
            return self.hook_pieces
        if self.hook is None:
            return []
        return [(self.path, self.hook_line or 1, self.hook)]

    def profile_parts(self, key: str) -> list[tuple[str, str]]:
        """`[profile] key` as (manifest path, code) pieces, sourced in order."""
        if key in self.profile_pieces:
            return self.profile_pieces[key]
        text = self.profile.get(key)
        return [(self.path, text)] if text else []

    def to_record(self) -> dict[str, object]:
        """Plain data for the activation record (marshal-able)."""
        return {
            "path": self.path,
            "vars": {
                k: [p if isinstance(p, str) else list(p) for p in v] for k, v in self.vars.items()
            },
            "var_order": self.var_order,
            "hook": self.hook,
            "hook_line": self.hook_line,
            "hook_key": self.hook_key,
            "profile": self.profile,
            "mode": self.mode,
            "systems": self.systems,
            "unsupported": self.unsupported,
            "env_files": self.env_files,
            "packages": self.packages,
            "services": [s.to_record() for s in self.services],
            "auto_start": self.auto_start,
            "includes": self.includes,
            "pip": self.pip,
            "conda": self.conda,
            "package_options": self.package_options,
            "catalog": self.catalog,
            "hook_pieces": self.hook_pieces,
            "profile_pieces": self.profile_pieces,
            "included": self.included,
        }

    @classmethod
    def from_record(cls, data: dict[str, object]) -> Manifest:
        """Inverse of `to_record`."""
        raw_vars = data["vars"]
        assert isinstance(raw_vars, dict)
        return cls(
            path=str(data["path"]),
            vars={
                k: [p if isinstance(p, str) else (p[0], p[1]) for p in v]
                for k, v in raw_vars.items()
            },
            var_order=list(data["var_order"]),  # type: ignore[call-overload]
            hook=data["hook"],  # type: ignore[arg-type]
            hook_line=data["hook_line"],  # type: ignore[arg-type]
            hook_key=str(data["hook_key"]),
            profile=dict(data["profile"]),  # type: ignore[call-overload]
            mode=data["mode"],  # type: ignore[arg-type]
            systems=data["systems"],  # type: ignore[arg-type]
            unsupported=list(data["unsupported"]),  # type: ignore[call-overload]
            env_files=list(data["env_files"]),  # type: ignore[call-overload]
            packages=[(str(i), str(s), str(w)) for i, s, w in data["packages"]],  # type: ignore[attr-defined]
            services=[Service.from_record(s) for s in data["services"]],  # type: ignore[attr-defined]
            auto_start=None if data["auto_start"] is None else bool(data["auto_start"]),
            includes=list(data["includes"]),  # type: ignore[call-overload]
            pip=[(str(a), str(b), str(c)) for a, b, c in data["pip"]],  # type: ignore[attr-defined]
            conda=[(str(a), str(b), str(c)) for a, b, c in data["conda"]],  # type: ignore[attr-defined]
            package_options=dict(data["package_options"]),  # type: ignore[call-overload]
            catalog=[(str(a), str(b), str(c), str(d)) for a, b, c, d in data["catalog"]],  # type: ignore[attr-defined]
            hook_pieces=[(str(a), int(b), str(c)) for a, b, c in data["hook_pieces"]],  # type: ignore[attr-defined]
            profile_pieces={
                str(k): [(str(a), str(b)) for a, b in v]
                for k, v in data["profile_pieces"].items()  # type: ignore[attr-defined]
            },
            included=[(str(a), str(b)) for a, b in data["included"]],  # type: ignore[attr-defined]
        )


def load(path: str, raw: bytes) -> Manifest:
    """Parse and validate manifest bytes read from `path`."""
    return parse(path, raw)[0]


def parse(path: str, raw: bytes) -> tuple[Manifest, str, dict[str, object]]:
    """`load`, with the manifest's text and its TOML data, for a reader of
    more of it (compose.py's [include]) that should not parse it again."""
    import tomllib

    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as e:
        line = raw[: e.start].count(b"\n") + 1
        raise ActivateError(
            "the manifest is not UTF-8 text",
            path=path,
            line=line,
            hint="TOML files must be UTF-8; re-save the file as UTF-8",
            status=EXIT_MANIFEST,
        ) from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as e:
        raise _toml_error(path, text, e) from None
    return _validate(path, text, data), text, data


def _toml_error(path: str, text: str, e: Exception) -> ActivateError:
    message = str(e)
    line = column = None
    marker = " (at line "
    if marker in message:
        message, _, rest = message.partition(marker)
        nums = rest.rstrip(")").replace("column ", "").split(", ")
        try:
            line, column = int(nums[0]), int(nums[1])
        except (ValueError, IndexError):
            line = column = None
    elif message.endswith(" (at end of document)"):
        message = message[: -len(" (at end of document)")]
        line = text.count("\n") + 1
    return ActivateError(
        f"invalid TOML: {message}",
        path=path,
        line=line,
        column=column,
        source_text=text,
        hint="fix the TOML syntax at that spot (a multi-line string needs triple quotes)",
        status=EXIT_MANIFEST,
    )


def _validate(path: str, text: str, data: dict[str, object]) -> Manifest:
    m = Manifest(path=path)

    def fail(summary: str, keys: tuple[str, ...], hint: str) -> ActivateError:
        line = find_key_line(text, keys)
        return ActivateError(
            summary, path=path, line=line, source_text=text, hint=hint, status=EXIT_MANIFEST
        )

    for key in data:
        if key not in KNOWN_TOP_LEVEL:
            import difflib

            # A near miss of a known section is a typo; anything else may be a
            # newer Flox schema's, and is named as not supported.
            close = difflib.get_close_matches(key, KNOWN_TOP_LEVEL, n=1, cutoff=0.75)
            if close:
                hint = f"did you mean [{close[0]}]?"
                raise fail(f"unknown manifest section {key!r}", (key,), hint)
            m.unsupported.append(f"[{key}]")

    for section in ("vars", "hook", "profile", "options", "install", "services", "build"):
        if section in data and not isinstance(data[section], dict):
            raise fail(f"[{section}] must be a table", (section,), f"write it as [{section}]")

    _read_vars(m, data.get("vars", {}), fail)  # type: ignore[arg-type]
    _read_hook(m, text, data.get("hook", {}), fail)  # type: ignore[arg-type]
    _read_profile(m, data.get("profile", {}), fail)  # type: ignore[arg-type]
    _read_options(m, data.get("options", {}), fail)  # type: ignore[arg-type]
    _read_services(m, data.get("services", {}), fail)  # type: ignore[arg-type]
    _note_unsupported(m, data)
    from . import installs

    found = installs.read(data, system(), fail)
    m.packages, m.pip, m.conda, m.package_options = found.nix, found.pip, found.conda, found.options
    m.catalog = found.catalog
    return m


def _read_vars(m: Manifest, table: dict[str, object], fail: _Fail) -> None:
    for name, value in table.items():
        if not varrefs.is_valid_name(name):
            raise fail(
                f"[vars] name {name!r} is not a valid environment variable name",
                ("vars", name),
                "use letters, digits and _, not starting with a digit (e.g. MY_VAR)",
            )
        if not isinstance(value, str):
            raise fail(
                f"[vars] {name} must be a string, not {_toml_type(value)}",
                ("vars", name),
                f'quote the value: {name} = "{_plain(value)}"',
            )
        if "\0" in value:
            raise fail(
                f"[vars] {name} contains a NUL character",
                ("vars", name),
                "environment variables cannot hold NUL (\\u0000); remove it",
            )
        try:
            m.vars[name] = varrefs.parse(value)
        except varrefs.VarSyntaxError as e:
            raise fail(f"[vars] {name}: {e}", ("vars", name), e.hint) from None
    try:
        m.var_order = varrefs.resolution_order(m.vars)
    except varrefs.CycleError as e:
        raise fail(
            "[vars] refer to each other in a circle: " + " -> ".join(e.cycle),
            ("vars", e.cycle[0]),
            "break the circle: one of them must not refer to the others",
        ) from None


def _read_hook(m: Manifest, text: str, table: dict[str, object], fail: _Fail) -> None:
    for key, value in table.items():
        if key in ("on-activate", "script"):
            if not isinstance(value, str):
                raise fail(
                    f"[hook] {key} must be a string (a bash script)",
                    ("hook", key),
                    "write it as a multi-line string: on-activate = '''...'''",
                )
            if "\0" in value:
                raise fail(f"[hook] {key} contains a NUL character", ("hook", key), "remove it")
        elif key == "on-deactivate":
            m.unsupported.append("[hook] on-deactivate")
        else:
            raise fail(
                f"unknown [hook] key {key!r}", ("hook", key), "the hook is [hook] on-activate"
            )
    if "on-activate" in table:
        key = "on-activate"
    elif "script" in table:
        key = "script"
    else:
        return
    if "on-activate" in table and "script" in table:
        m.unsupported.append("[hook] script (on-activate is used instead)")
    m.hook = str(table[key])
    m.hook_line = hook_first_line(text, key)
    m.hook_key = key


def _read_profile(m: Manifest, table: dict[str, object], fail: _Fail) -> None:
    for key, value in table.items():
        if key in PROFILE_KEYS:
            if not isinstance(value, str):
                raise fail(
                    f"[profile] {key} must be a string",
                    ("profile", key),
                    "write it as a multi-line string: common = '''...'''",
                )
            if "\0" in value:
                raise fail(
                    f"[profile] {key} contains a NUL character", ("profile", key), "remove it"
                )
            m.profile[key] = value
        else:
            m.unsupported.append(f"[profile] {key}")


def _read_options(m: Manifest, table: dict[str, object], fail: _Fail) -> None:
    activate = table.get("activate", {})
    if not isinstance(activate, dict):
        raise fail(
            "[options] activate must be a table", ("options", "activate"), 'activate.mode = "dev"'
        )
    mode = activate.get("mode")
    if mode is not None:
        if mode not in MODES:
            raise fail(
                f'[options] activate.mode must be "dev" or "run", not {_plain(mode)!r}',
                ("options", "activate", "mode"),
                'use activate.mode = "dev" (tools and build paths) or "run" (tools only)',
            )
        m.mode = str(mode)
    files = activate.get("env-files", [])
    if not isinstance(files, list) or not all(isinstance(f, str) and f for f in files):
        raise fail(
            "[options] activate.env-files must be a list of file names",
            ("options", "activate", "env-files"),
            'write it as activate.env-files = [".env"] (paths relative to the project)',
        )
    m.env_files = [str(f) for f in files]
    for key in activate:
        if key not in ("mode", "env-files", "pip", "conda", "catalog"):  # the others: installs.py
            m.unsupported.append(f"[options] activate.{key}")
    systems = table.get("systems")
    if isinstance(systems, list) and all(isinstance(s, str) for s in systems):
        m.systems = [str(s) for s in systems]
    for key in table:  # cuda-detection: nothing to detect without Nix packages
        if key not in ("activate", "systems", "cuda-detection"):
            m.unsupported.append(f"[options] {key}")


SERVICE_KEYS = ("command", "vars", "is-daemon", "shutdown", "systems")


def _read_services(m: Manifest, table: dict[str, object], fail: _Fail) -> None:
    """`[services]`: Flox's keys, each checked; unknown keys are errors (as in Flox)."""
    for name, value in table.items():
        if name == "auto-start":
            if not isinstance(value, bool):
                raise fail(
                    f"[services] auto-start must be true or false, not {_toml_type(value)}",
                    ("services", name),
                    "write auto-start = true (start the services with every activation)",
                )
            m.auto_start = value
            continue
        here = ("services", name)
        if not isinstance(value, dict):
            raise fail(
                f"[services] {name} must be a table with a command, not {_toml_type(value)}",
                here,
                f'write it as {_toml_key(name)}.command = "..." (a bash command)',
            )
        if not name or not all(c.isalnum() or c in "_-." for c in name) or not name.isascii():
            raise fail(
                f"[services] name {name!r} is not usable as a service name",
                here,
                "use letters, digits, '-', '_' and '.'",
            )
        for key in value:
            if key not in SERVICE_KEYS:
                import difflib

                close = difflib.get_close_matches(key, SERVICE_KEYS, n=1, cutoff=0.6)
                hint = (
                    f"did you mean {close[0]}?"
                    if close
                    else "the keys are " + ", ".join(SERVICE_KEYS)
                )
                raise fail(f"unknown key {key!r} in [services] {name}", (*here, key), hint)
        command = value.get("command")
        if not isinstance(command, str) or not command.strip():
            what = "has no command" if command is None else "command must be a non-empty string"
            raise fail(
                f"[services] {name} {what}",
                (*here, "command") if command is not None else here,
                f'write {_toml_key(name)}.command = "..." (a bash command)',
            )
        service = Service(name, command, line=_line_of(fail, here))
        vars = value.get("vars", {})
        if not isinstance(vars, dict):
            raise fail(
                f"[services] {name}.vars must be a table of strings",
                (*here, "vars"),
                f'write {_toml_key(name)}.vars = {{ PORT = "8080" }}',
            )
        for var, text in vars.items():
            if not varrefs.is_valid_name(var):
                raise fail(
                    f"[services] {name}.vars: {var!r} is not a valid environment variable name",
                    (*here, "vars"),
                    "use letters, digits and _, not starting with a digit (e.g. MY_VAR)",
                )
            if not isinstance(text, str) or "\0" in text:
                raise fail(
                    f"[services] {name}.vars {var} must be a string (without NUL)",
                    (*here, "vars"),
                    f'quote the value: {var} = "{_plain(text)}"',
                )
            service.vars[var] = text
        daemon = value.get("is-daemon", False)
        if not isinstance(daemon, bool):
            raise fail(
                f"[services] {name}.is-daemon must be true or false",
                (*here, "is-daemon"),
                f"write {_toml_key(name)}.is-daemon = true",
            )
        service.is_daemon = daemon
        shutdown = value.get("shutdown")
        if shutdown is not None:
            if not isinstance(shutdown, dict) or set(shutdown) - {"command"}:
                raise fail(
                    f"[services] {name}.shutdown must be a table with only a command",
                    (*here, "shutdown"),
                    f'write {_toml_key(name)}.shutdown.command = "..."',
                )
            stop = shutdown.get("command")
            if not isinstance(stop, str) or not stop.strip():
                raise fail(
                    f"[services] {name}.shutdown.command must be a non-empty string",
                    (*here, "shutdown"),
                    f'write {_toml_key(name)}.shutdown.command = "..." (a bash command)',
                )
            service.shutdown = stop
        if daemon and service.shutdown is None:
            raise fail(
                f"[services] {name} is a daemon (is-daemon = true) without a shutdown.command",
                (*here, "is-daemon"),
                "a daemon keeps running after its command returns: say how to stop it with "
                f'{_toml_key(name)}.shutdown.command = "..."',
            )
        systems = value.get("systems")
        if systems is not None:
            if not isinstance(systems, list) or not all(isinstance(s, str) for s in systems):
                raise fail(
                    f"[services] {name}.systems must be a list of systems",
                    (*here, "systems"),
                    'write systems = ["x86_64-linux", "aarch64-darwin"]',
                )
            service.systems = [str(s) for s in systems]
        m.services.append(service)


def _line_of(fail: _Fail, keys: tuple[str, ...]) -> int | None:
    """The line of `keys` in the manifest `fail` reports on."""
    return fail("", keys, "").line


def _toml_key(name: str) -> str:
    """`name` as a TOML key (quoted when it must be)."""
    if name and all(c.isascii() and (c.isalnum() or c in "_-") for c in name):
        return name
    return '"' + name.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _note_unsupported(m: Manifest, data: dict[str, object]) -> None:
    include = data.get("include")
    if isinstance(include, dict):
        m.includes = [_include_name(e) for e in include.get("environments") or [] if e]
    for section in ("build", "containerize", "pkg-groups"):
        value = data.get(section)
        if value:
            m.unsupported.append(f"[{section}]")
    plugins = data.get("plugins")
    if isinstance(plugins, dict):  # [plugins.activate] is activate's own
        m.unsupported += [f"[plugins.{name}]" for name in plugins if name != "activate"]


def _include_name(entry: object) -> str:
    """An [include] environments entry as users write it: its dir, or `remote NAME`."""
    if isinstance(entry, dict):
        if isinstance(entry.get("dir"), str):
            return str(entry["dir"])
        if isinstance(entry.get("remote"), str):
            return f"remote {entry['remote']}"
    return str(entry)


def hook_first_line(text: str, key: str) -> int | None:
    """The manifest line on which the hook's first line of script is."""
    line = find_key_line(text, ("hook", key))
    if line is None:
        return None
    rest = text.splitlines()[line - 1].split("=", 1)[-1].strip()
    # TOML drops a newline right after an opening triple quote.
    return line + 1 if rest in ('"""', "'''") else line


def find_key_line(text: str, keys: tuple[str, ...]) -> int | None:
    """Best-effort: the 1-based line where the dotted key `keys` is defined."""
    table: tuple[str, ...] = ()
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if line.startswith("["):
            inner = line.strip("[]").split("#")[0].strip()
            table = tuple(_unquote(p) for p in inner.split("."))
            if table == keys:
                return number
            continue
        if "=" not in line or line.startswith("#"):
            continue
        left = line.split("=", 1)[0].strip()
        full = table + tuple(_unquote(p) for p in left.split("."))
        if full[: len(keys)] == keys:
            return number
    return None


def _unquote(part: str) -> str:
    part = part.strip()
    if len(part) >= 2 and part[0] == part[-1] and part[0] in "\"'":
        return part[1:-1]
    return part


def _toml_type(value: object) -> str:
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, list):
        return "an array"
    if isinstance(value, dict):
        return "a table"
    return type(value).__name__


def _plain(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)
