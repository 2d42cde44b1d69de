"""The conda backend: conda prefixes solved and installed with py-rattler.

Resolution solves the entries' match specs against the channels
(`[options] activate.conda.channels`, else those of `~/.condarc` and
`$CONDARC`, else conda-forge) for this machine's subdir and `noarch`, with
the virtual packages rattler detects. The lock keeps every package's URL,
hashes and metadata, so that a build installs exactly those packages
without solving again (offline when they are in the package cache).

A build links the locked packages into the store's temporary folder with
the `@PREFIX@` placeholders (conda-build's `/opt/anaconda1anaconda2...`)
replaced by the final path, so the folder works once renamed into place.
Packages are cached in `<cache>/activate/conda-pkgs`.

py-rattler runs in a child process (`rattler_child.py`): it can crash while
the interpreter shuts down, and it is heavy to import. With
`ACTIVATE_CONDA_EXE` naming a conda, mamba or micromamba program, that
program solves (`create --dry-run --json`) and installs (an `@EXPLICIT`
file) instead, and the prefix is patched for its final path afterwards.
"""

from __future__ import annotations

import os
import sys

from ..bundled import which
from . import Need, PackageError

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable

NAME = "conda"
DEFAULT_CHANNELS = ["conda-forge"]
CHANNEL_ALIAS = "https://conda.anaconda.org"
# conda's `defaults` on Linux and macOS (conda's own `default_channels`).
DEFAULTS = ["https://repo.anaconda.com/pkgs/main", "https://repo.anaconda.com/pkgs/r"]
EXE_FLAVORS = ("micromamba", "mamba", "conda")  # in the order names are tried
# The fields of one locked package, in the order the lock shows them.
FIELDS = (
    "name",
    "version",
    "build",
    "build_number",
    "subdir",
    "noarch",
    "url",
    "sha256",
    "md5",
    "size",
    "depends",
    "constrains",
    "python_site_packages_path",
)


def subdir(environ: dict[str, str] | None = None) -> str:
    """This machine's conda subdir (`linux-64`, `linux-aarch64`, `osx-arm64`,
    ...), or `$CONDA_SUBDIR` when set (as conda itself reads it)."""
    wanted = (environ or {}).get("CONDA_SUBDIR")
    if wanted:
        return wanted
    machine = os.uname().machine.lower() if hasattr(os, "uname") else "x86_64"
    if sys.platform == "darwin":
        return "osx-arm64" if machine == "arm64" else "osx-64"
    if sys.platform == "win32":
        return "win-arm64" if machine == "arm64" else "win-64"
    arch = {
        "x86_64": "64",
        "amd64": "64",
        "aarch64": "aarch64",
        "arm64": "aarch64",
        "i386": "32",
        "i686": "32",
    }.get(machine, machine)  # ppc64le, s390x, armv7l, riscv64 are their own names
    return f"linux-{arch}"


def fingerprint(need: Need) -> dict[str, object]:
    """The normalized match specs (sorted) and the channel option as written."""
    return {
        "specs": sorted(normal for _, _, normal in need.entries),
        "channels": list(need.options.get("channels") or []),  # type: ignore[call-overload]
    }


def still_valid(need: Need, section: dict[str, object]) -> bool:
    """The lock was solved for this machine's subdir."""
    return section.get("platform") == subdir(need.environ)


def key(need: Need, section: dict[str, object]) -> dict[str, object]:
    """The locked packages and the platform. A package is named by its name,
    version, build and sha256 (the archive's bytes, wherever it comes from:
    a project's own channel is locked by a relative path, and two projects
    with the same packages share one environment); by its URL and md5 only
    when the channel gave no sha256."""
    packages = section.get("packages")
    listed = packages if isinstance(packages, list) else []
    return {
        "backend": NAME,
        "platform": section.get("platform"),
        "packages": [
            [p.get(k) for k in ("name", "version", "build")]
            + ([p["sha256"]] if p.get("sha256") else [p.get("url") or p.get("path"), p.get("md5")])
            for p in listed
            if isinstance(p, dict)
        ],
    }


# --- channels -------------------------------------------------------------------------------


def channels(need: Need) -> list[str]:
    """The channels as written, in priority order: the option, else the
    user's condarc, else conda-forge."""
    given = need.options.get("channels")
    if isinstance(given, list) and given:
        return [str(c) for c in given]
    return _condarc(need.environ)[1] or list(DEFAULT_CHANNELS)


def channel_urls(need: Need) -> list[str]:
    """The channels as URLs (`defaults` expanded, names under the channel
    alias, folders as file:// URLs relative to the project)."""
    from urllib.parse import quote

    alias, _ = _condarc(need.environ)
    out: list[str] = []
    for channel in channels(need):
        if channel == "defaults":
            out += DEFAULTS
        elif channel == "nodefaults":  # a marker in environment files, not a channel
            continue
        elif "://" in channel:
            out.append(channel.rstrip("/"))
        elif _is_path(channel):
            folder = _folder(need, channel)
            if not os.path.isdir(folder):
                raise PackageError(
                    f"the conda channel {channel} is not a folder ({folder})",
                    detail="a local channel is a folder holding noarch/repodata.json "
                    "(and <subdir>/repodata.json); relative paths are relative to the project",
                )
            out.append("file://" + quote(folder))
        else:
            out.append(f"{(alias or CHANNEL_ALIAS).rstrip('/')}/{channel.strip('/')}")
    return list(dict.fromkeys(out))


def _is_path(channel: str) -> bool:
    """A local folder (`./chan`, `../x`, `/abs`, `~/x`), not a name (`conda-forge`,
    `conda-forge/label/dev`, which conda reads under the channel alias)."""
    return channel in (".", "..") or channel.startswith(("/", "./", "../", "~"))


def _folder(need: Need, channel: str) -> str:
    return os.path.normpath(os.path.join(need.project, os.path.expanduser(channel)))


def _condarc(environ: dict[str, str]) -> tuple[str | None, list[str]]:
    """(channel_alias, channels) from `$CONDARC` and `~/.condarc` (`$CONDARC`'s
    channels first, as conda ranks it above the user's file)."""
    from ..state import home

    files = []
    if environ.get("CONDARC"):
        files.append(os.path.expanduser(environ["CONDARC"]))
    files.append(os.path.join(environ.get("HOME") or home(), ".condarc"))
    alias: str | None = None
    found: list[str] = []
    for path in files:
        try:
            with open(path, encoding="utf-8") as f:
                text = f.read()
        except (OSError, UnicodeDecodeError):
            continue
        one_alias, listed = _read_condarc(text)
        alias = alias or one_alias
        found += [c for c in listed if c not in found]
    return alias, found


def _read_condarc(text: str) -> tuple[str | None, list[str]]:
    """The `channel_alias` and `channels` of a condarc: the two YAML shapes
    conda writes (a block list of `- name` lines, or `[a, b]`), nothing else."""

    def scalar(value: str) -> str:
        value = value.split(" #", 1)[0].strip()
        if len(value) >= 2 and value[0] == value[-1] and value[0] in "'\"":
            value = value[1:-1]
        return value

    alias: str | None = None
    listed: list[str] = []
    in_channels = False
    for raw in text.splitlines():
        line = raw.rstrip()
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        if not line[0].isspace():
            in_channels = False
            name, _, value = line.partition(":")
            name = name.strip()
            if name == "channel_alias":
                alias = scalar(value) or None
            elif name == "channels":
                value = scalar(value)
                if value.startswith("[") and value.endswith("]"):
                    listed += [scalar(v) for v in value[1:-1].split(",") if scalar(v)]
                else:
                    in_channels = True
            continue
        stripped = line.strip()
        if in_channels and stripped.startswith("- "):
            item = scalar(stripped[2:])
            if item:
                listed.append(item)
    return alias, listed


# --- resolve ----------------------------------------------------------------------------------


def resolve(need: Need, say: Callable[[str], None]) -> dict[str, object]:
    """Solve the specs; the lock section: platform, channels, every package pinned."""
    platform = subdir(need.environ)
    urls = channel_urls(need)
    specs = [normal for _, _, normal in need.entries]
    exe = _exe(need)
    if exe is not None:
        say(f"solving {len(specs)} conda spec(s) with {os.path.basename(exe[0])}")
        records = _exe_solve(need, exe, urls, specs)
    else:
        from ..state import cache_home

        say(f"solving {len(specs)} conda spec(s) with py-rattler")
        result = _child(
            need,
            {
                "op": "solve",
                "channels": urls,
                "specs": specs,
                "platform": platform,
                "repodata_cache": os.path.join(cache_home(), "activate", "conda-repodata"),
            },
            say,
            "cannot solve the conda entries",
        )
        got = result.get("records")
        records = [r for r in got if isinstance(r, dict)] if isinstance(got, list) else []
    packages = sorted((_entry(r, need) for r in records), key=lambda p: str(p.get("name")))
    return {"platform": platform, "channels": channels(need), "packages": packages}


def _entry(record: dict[str, object], need: Need) -> dict[str, object]:
    """One package of the lock: a flat table in FIELDS' order (empty fields
    left out); a package of a channel inside the project by its `path`
    relative to the project, so that a committed lock works in every checkout."""
    from urllib.parse import quote, unquote

    out: dict[str, object] = {}
    for field in FIELDS:
        value = record.get(field)
        if field == "noarch" and value is True:  # older repodata's `noarch: true`
            value = "generic"
        if value is None or value == "" or value is False:
            continue
        if field in ("depends", "constrains"):
            value = [str(v) for v in value] if isinstance(value, list) else []
            if field == "constrains" and not value:
                continue
        out[field] = value
    root = "file://" + quote(os.path.abspath(need.project)) + "/"
    url = str(out.get("url") or "")
    if url.startswith(root):  # the same place in the table, as `path`
        out = {
            ("path" if k == "url" else k): (unquote(url[len(root) :]) if k == "url" else v)
            for k, v in out.items()
        }
    return out


def _locked_url(package: dict[str, object], need: Need) -> str:
    """A locked package's URL (its project-relative path made absolute again)."""
    from urllib.parse import quote

    path = package.get("path")
    if isinstance(path, str):
        return "file://" + quote(os.path.join(os.path.abspath(need.project), path))
    return str(package.get("url") or "")


# --- build ------------------------------------------------------------------------------------


def build(
    need: Need, section: dict[str, object], tmp: str, final: str, say: Callable[[str], None]
) -> dict[str, object]:
    """Install exactly the locked packages into `tmp`, working at `final`;
    the marker's data: packages, requested names, programs, activation scripts."""
    from ..state import cache_home

    listed = section.get("packages")
    packages = [p for p in listed if isinstance(p, dict)] if isinstance(listed, list) else []
    records = [{**p, "url": _locked_url(p, need)} for p in packages]
    platform = str(section.get("platform") or subdir(need.environ))
    exe = _exe(need)
    if exe is not None:
        say(f"installing {len(records)} conda package(s) with {os.path.basename(exe[0])}")
        _exe_install(need, exe, records, tmp, final)
    elif records:
        say(f"installing {len(records)} conda package(s)")
        _child(
            need,
            {
                "op": "install",
                "records": records,
                "target": tmp,
                "final": final,
                "package_cache": os.path.join(cache_home(), "activate", "conda-pkgs"),
                "platform": platform,
            },
            say,
            "cannot install the conda packages",
        )
    requested = sorted({spec_name(normal) for _, _, normal in need.entries})
    return {
        "backend": NAME,
        "platform": platform,
        "packages": [
            {"name": str(p.get("name")), "version": str(p.get("version"))} for p in packages
        ],
        "requested": requested,
        "programs": _programs(tmp, set(requested)),
        "activate_scripts": _activate_scripts(tmp),
    }


def spec_name(spec: str) -> str:
    """The package name of a normalized match spec (`conda-forge::jq >=1.7` -> `jq`)."""
    return spec.rpartition("::")[2].split(" ", 1)[0]


def _programs(prefix: str, requested: set[str]) -> dict[str, list[str]]:
    """The prefix's programs (`bin/NAME`, relative to it) from each package's
    `conda-meta/*.json` "files": those of the requested packages, and all."""
    import json

    mine: set[str] = set()
    every: set[str] = set()
    meta = os.path.join(prefix, "conda-meta")
    try:
        names = sorted(os.listdir(meta))
    except OSError:
        names = []
    for name in names:
        if not name.endswith(".json"):
            continue
        try:
            with open(os.path.join(meta, name), encoding="utf-8") as f:
                data = json.load(f)
        except (OSError, ValueError):
            continue
        files = data.get("files") if isinstance(data, dict) else None
        for rel in files if isinstance(files, list) else []:
            rel = str(rel)
            if rel.startswith("bin/") and "/" not in rel[4:] and len(rel) > 4:
                every.add(rel)
                if data.get("name") in requested:
                    mine.add(rel)
    return {"requested": sorted(mine), "all": sorted(every)}


def _activate_scripts(prefix: str) -> list[str]:
    """`etc/conda/activate.d/*.sh` (relative to the prefix), in name order, as
    conda's own activation sources them."""
    folder = os.path.join(prefix, "etc", "conda", "activate.d")
    try:
        names = os.listdir(folder)
    except OSError:
        return []
    return [f"etc/conda/activate.d/{n}" for n in sorted(names) if n.endswith(".sh")]


# --- py-rattler in a child process -------------------------------------------------------------


class _Child:
    """A running rattler_child.py, kept from the solve to the install."""

    def __init__(self, need: Need, what: str) -> None:
        import subprocess
        import tempfile

        self.folder = tempfile.mkdtemp(prefix="activate-conda-")
        self.errors = open(os.path.join(self.folder, "stderr"), "w+b")  # noqa: SIM115
        script = os.path.join(os.path.dirname(os.path.abspath(__file__)), "rattler_child.py")
        try:
            self.proc = subprocess.Popen(
                [sys.executable, "-I", script],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=self.errors,
                env=_env(need),
            )
        except OSError as e:
            self.close()
            raise PackageError(f"{what}: cannot run {sys.executable}: {e.strerror}") from None
        self.count = 0

    def ask(self, request: dict[str, object], say: Callable[[str], None]) -> tuple[object, str]:
        """Send `request`; its result (None if the child died first) and the child's stderr."""
        import json

        self.count += 1
        result_path = os.path.join(self.folder, f"result-{self.count}.json")
        assert self.proc.stdin is not None and self.proc.stdout is not None
        try:
            self.proc.stdin.write((json.dumps({**request, "result": result_path}) + "\n").encode())
            self.proc.stdin.flush()
            for line in self.proc.stdout:
                step = line.decode("utf-8", "replace").strip()
                if step == "\x00done":
                    break
                if step:
                    say(step)
        except BrokenPipeError:
            pass  # it died: the missing result says so
        try:
            with open(result_path, encoding="utf-8") as f:
                result = json.load(f)
        except (OSError, ValueError):
            result = None
        self.errors.seek(0)
        stderr = self.errors.read().decode("utf-8", "replace")
        return result, stderr

    def close(self) -> None:
        """End the child (its input closed: it leaves at once) and remove its folder."""
        import shutil

        proc = getattr(self, "proc", None)
        if proc is not None:
            if proc.stdin is not None:
                try:
                    proc.stdin.close()
                except OSError:
                    pass
            try:
                proc.wait(timeout=5)
            except Exception:  # interrupted, or stuck: it must not outlive us
                proc.kill()
                proc.wait()
        self.errors.close()
        shutil.rmtree(self.folder, ignore_errors=True)


_running: list[_Child] = []


def finish() -> None:
    """End the rattler child kept from the solve for the install."""
    while _running:
        _running.pop().close()


def _child(
    need: Need, request: dict[str, object], say: Callable[[str], None], what: str
) -> dict[str, object]:
    """Run `request` in the rattler child (the one running, else a new one,
    kept until `finish`); its result, or a PackageError.

    Its progress lines are shown with `say`; its exit status is not trusted
    (py-rattler may crash at exit after finishing): the result file is."""
    if not _running or _running[-1].proc.poll() is not None:
        finish()
        _running.append(_Child(need, what))
    child = _running[-1]
    try:
        result, stderr = child.ask(request, say)
    except BaseException:
        finish()  # interrupted: the child must not outlive us
        raise
    status = child.proc.poll()
    if result is None:
        finish()
    if not isinstance(result, dict) or result.get("complete") is not True:
        raise PackageError(
            f"{what}: py-rattler stopped before finishing (exit status {status})",
            detail=_trim(stderr),
        )
    if result.get("ok") is True:
        return result
    if result.get("error") == "missing":
        raise PackageError(
            "conda entries need py-rattler, which is not installed",
            detail=f'install it into activate\'s own environment: "{sys.executable}" -m pip install py-rattler '
            "(or reinstall activate with its conda or all extra: pipx install 'activate[all]'), "
            "or set ACTIVATE_CONDA_EXE to a conda, mamba or micromamba program",
        )
    message = str(result.get("message") or result.get("error") or "unknown error")
    index = result.get("index")
    if result.get("error") == "spec" and isinstance(index, int) and index < len(need.entries):
        pid, written, _ = need.entries[index]
        raise PackageError(
            f"py-rattler cannot read the match spec {written!r}", pid, _trim(message)
        )
    raise PackageError(what, entry=_entry_named(need, message), detail=_trim(message))


def _env(need: Need) -> dict[str, str]:
    """The child's environment: the user's (proxies, certificates,
    CONDA_OVERRIDE_*), without an active conda environment of theirs."""
    env = dict(need.environ)
    for name in ("CONDA_PREFIX", "CONDA_DEFAULT_ENV", "CONDA_SHLVL"):
        env.pop(name, None)
    return env


def _trim(text: str, lines: int = 15, width: int = 300) -> str:
    """The solver's own words, kept to one screen."""
    kept = [line[:width] for line in text.strip().splitlines() if line.strip()]
    if len(kept) > lines:
        kept = [*kept[: lines - 1], f"... ({len(kept) - lines + 1} more lines)"]
    return "\n".join(kept)


def _entry_named(need: Need, message: str) -> str | None:
    """The install id of the first entry whose package the message names (as a word)."""
    text = message.lower()
    best: tuple[int, str] | None = None
    for pid, _, normal in need.entries:
        name = spec_name(normal)
        start = 0
        while True:
            at = text.find(name, start)
            if at < 0:
                break
            before = text[at - 1] if at > 0 else " "
            after = text[at + len(name)] if at + len(name) < len(text) else " "
            if not (before.isalnum() or before in "-_.") and not (after.isalnum() or after in "-_"):
                if best is None or at < best[0]:
                    best = (at, pid)
                break
            start = at + 1
    return best[1] if best else None


# --- ACTIVATE_CONDA_EXE: conda, mamba or micromamba ---------------------------------------------


def _exe(need: Need) -> tuple[str, str] | None:
    """(program, flavor) named by ACTIVATE_CONDA_EXE, or None to use py-rattler."""
    value = need.environ.get("ACTIVATE_CONDA_EXE")
    if not value:
        return None
    found = which(os.path.expanduser(value), need.environ.get("PATH"))
    if found is None:
        raise PackageError(
            f"ACTIVATE_CONDA_EXE={value}: no such program",
            detail="name a conda, mamba or micromamba program (a path, or a name on PATH), "
            "or unset it to use py-rattler",
        )
    base = os.path.basename(found).lower().removesuffix(".exe")
    for flavor in EXE_FLAVORS:
        if base.startswith(flavor):
            return os.path.abspath(found), flavor
    raise PackageError(
        f"ACTIVATE_CONDA_EXE={value}: not a conda, mamba or micromamba program",
        detail="activate knows the command lines of conda, mamba and micromamba only "
        "(it tells them apart by the program's name)",
    )


def _run_exe(need: Need, argv: list[str], what: str) -> str:
    """Run the conda program; its stdout, or a PackageError with its reason."""
    import subprocess

    done = subprocess.run(argv, capture_output=True, text=True, env=_env(need))
    data = _last_json(done.stdout)
    message = ""
    if isinstance(data, dict) and (data.get("error") or data.get("success") is False):
        message = str(data.get("message") or data.get("error") or "")
    if done.returncode != 0 or message:
        reason = message or done.stderr or done.stdout
        raise PackageError(what, entry=_entry_named(need, reason), detail=_trim(reason))
    return done.stdout


def _last_json(text: str) -> object:
    """The last JSON document in `text` (mamba may print two; conda may print
    lines before it)."""
    import json

    decoder = json.JSONDecoder()
    found: object = None
    at = text.find("{")
    while at >= 0:
        try:
            found, end = decoder.raw_decode(text, at)
        except ValueError:
            at = text.find("{", at + 1)
            continue
        at = text.find("{", end)
    return found


def _exe_solve(
    need: Need, exe: tuple[str, str], urls: list[str], specs: list[str]
) -> list[dict[str, object]]:
    """`create --dry-run --json` into a folder that does not exist: the records
    of every package the new environment would hold."""
    import tempfile

    program, flavor = exe
    with tempfile.TemporaryDirectory(prefix="activate-conda-") as folder:
        argv = [program, "create", "--dry-run", "--json", "--yes", "-p", f"{folder}/env"]
        argv += ["--override-channels"]
        for url in urls:
            argv += ["-c", url]
        out = _run_exe(need, [*argv, *specs], "cannot solve the conda entries")
    data = _last_json(out)
    actions = data.get("actions") if isinstance(data, dict) else None
    if not isinstance(actions, dict):
        raise PackageError(
            f"{flavor} wrote no plan activate can read", detail=_trim(out or "(no output)")
        )
    fetched = {str(r.get("fn") or ""): r for r in actions.get("FETCH") or [] if isinstance(r, dict)}
    records: list[dict[str, object]] = []
    cache_dirs: list[str] | None = None
    for link in actions.get("LINK") or []:
        if not isinstance(link, dict):
            continue
        if link.get("url") and (link.get("sha256") or link.get("md5")):
            records.append(link)  # micromamba and mamba 2: full records
            continue
        # conda lists LINK as short "dist" fields; FETCH (packages not yet
        # downloaded) or the package cache's repodata_record.json have the rest.
        dist = str(link.get("dist_name") or "")
        full = next((r for fn, r in fetched.items() if fn.startswith(dist + ".")), None)
        if full is None:
            if cache_dirs is None:
                info = _last_json(_run_exe(need, [program, "info", "--json"], "conda info failed"))
                dirs = info.get("pkgs_dirs") if isinstance(info, dict) else None
                cache_dirs = [str(d) for d in dirs] if isinstance(dirs, list) else []
            full = _cached_record(cache_dirs, dist)
        if full is None:
            raise PackageError(
                f"{flavor} did not say where {dist or link.get('name')} comes from",
                detail="run `activate update` again, or unset ACTIVATE_CONDA_EXE to use py-rattler",
            )
        records.append(full)
    return records


def _cached_record(cache_dirs: list[str], dist: str) -> dict[str, object] | None:
    import json

    for folder in cache_dirs:
        try:
            with open(
                os.path.join(folder, dist, "info", "repodata_record.json"), encoding="utf-8"
            ) as f:
                data = json.load(f)
        except (OSError, ValueError):
            continue
        if isinstance(data, dict):
            return data
    return None


def _exe_install(
    need: Need, exe: tuple[str, str], records: list[dict[str, object]], tmp: str, final: str
) -> None:
    """`create -p TMP --file EXPLICIT`: exactly these packages, no solving;
    then every path to `tmp` in the prefix rewritten to `final`."""
    import tempfile

    program, flavor = exe
    lines = ["@EXPLICIT"]
    for record in _dependency_order(records):
        md5, sha256 = record.get("md5"), record.get("sha256")
        digest = f"#{md5}" if md5 else f"#sha256:{sha256}" if sha256 else ""
        lines.append(f"{record['url']}{digest}")
    with tempfile.TemporaryDirectory(prefix="activate-conda-") as folder:
        explicit = os.path.join(folder, "explicit.txt")
        with open(explicit, "w", encoding="utf-8") as f:
            f.write("\n".join(lines) + "\n")
        os.rmdir(tmp)  # the program creates the prefix (conda asks before using a folder)
        _run_exe(
            need,
            [program, "create", "--yes", "-p", tmp, "--file", explicit],
            f"{flavor} cannot install the conda packages",
        )
    relocate(tmp, final)


def _dependency_order(records: list[dict[str, object]]) -> list[dict[str, object]]:
    """The records with each one's dependencies before it (an explicit file
    is installed in its order)."""
    by_name = {str(r.get("name")): r for r in records}
    done: list[dict[str, object]] = []
    seen: set[str] = set()

    def visit(name: str) -> None:
        if name in seen or name not in by_name:
            return
        seen.add(name)
        depends = by_name[name].get("depends")
        for dep in depends if isinstance(depends, list) else []:
            visit(str(dep).split(" ", 1)[0])
        done.append(by_name[name])

    for name in sorted(by_name):
        visit(name)
    return done


def relocate(prefix: str, final: str) -> None:
    """Rewrite `prefix` to `final` wherever the prefix holds it: in text files,
    and in binary files as conda does (inside each NUL-ended string, padded
    with NULs: `final` must not be longer), and in symlink targets. Changed
    files are written anew (the old ones may be hard links into a package cache)."""
    old, new = os.fsencode(prefix), os.fsencode(final)
    assert len(new) <= len(old)
    for here, _, files in os.walk(prefix):
        for name in files:
            path = os.path.join(here, name)
            if name.endswith(".pyc"):  # marshal data, not C strings: only tracebacks name the path
                continue
            if os.path.islink(path):
                target = os.readlink(path)
                if prefix in target:
                    os.unlink(path)
                    os.symlink(target.replace(prefix, final), path)
                continue
            try:
                with open(path, "rb") as f:
                    data = f.read()
            except OSError:
                continue
            if old not in data:
                continue
            binary = b"\0" in data
            data = _replace_binary(data, old, new) if binary else data.replace(old, new)
            mode = os.stat(path).st_mode & 0o7777
            tmp = f"{path}.activate-tmp"
            with open(tmp, "wb") as f:
                f.write(data)
            os.chmod(tmp, mode)
            os.replace(tmp, path)


def _replace_binary(data: bytes, old: bytes, new: bytes) -> bytes:
    """conda's binary prefix replacement: in each NUL-ended string holding `old`,
    replace it and pad the string with NULs to its former length."""
    out = bytearray()
    at = 0
    while True:
        found = data.find(old, at)
        if found < 0:
            out += data[at:]
            return bytes(out)
        end = data.find(b"\0", found)
        if end < 0:
            end = len(data)
        segment = data[found:end]
        replaced = segment.replace(old, new)
        out += data[at:found] + replaced + b"\0" * (len(segment) - len(replaced))
        at = end
