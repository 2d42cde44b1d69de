"""`activate status [--json]`: the environments active in this shell, and the
live activations of the project's environment.

The JSON (`--json`) is stable; its fields are documented in docs/status.md.
"""

from __future__ import annotations

import os
import sys
import time

from .. import locate, missing, planner, registry
from ..errors import ActivateError
from ..grammar import Invocation
from ..state import read_file, state_roots_to_read

TYPE_CHECKING = False
if TYPE_CHECKING:
    from ..manifest import Manifest

SCHEMA = 1


def run(inv: Invocation) -> int:
    """Show the status: a table on a terminal, plain text otherwise, or JSON."""
    data = collect(inv.get("dir"), inv.get("file"))
    if inv.get("json"):
        import json

        sys.stdout.write(json.dumps(data, indent=2, ensure_ascii=False) + "\n")
    elif sys.stdout.isatty():
        _table(data)
    else:
        _plain(data)
    return 0


def collect(directory: str | None, file: str | None) -> dict[str, object]:
    """The status as plain data (the --json document)."""
    roots = state_roots_to_read()  # only reads: nothing is created
    active = [
        {
            "name": e.get("name", ""),
            "path": e.get("path", ""),
            "mode": e.get("mode", ""),
            "not_provided": _recorded_shortfall(roots, e.get("path", "")),
        }
        for e in planner.active_environments(os.environ)
    ]
    try:
        loc = locate.find(directory, file, os.getcwd())
    except ActivateError:
        if directory or file:
            raise
        return {"schema": SCHEMA, "active": active, "project": None, "activations": []}
    m, stamp = _read(loc)
    from ..compose import identity

    key = identity(locate.manifest_key(loc), stamp)  # as activation's: includes too
    groups = [locate.group_dir(root, loc.dotflox) for root in roots]
    project: dict[str, object] = {
        "name": locate.env_name(loc),
        "path": loc.project,
        "dotflox": loc.dotflox,
        "manifest": loc.manifest_path,
        "manifest_hash": key,
        "included": [{"dir": d, "manifest": p} for d, p in m.included] if m is not None else None,
        "not_provided": missing.items(m) if m is not None else None,
        "catalog": _catalog(m) if m is not None else None,
        "lock": _locked(loc.manifest_path),
        "auto": _auto(loc),
        "services": _services(m, groups),
    }
    activations = [a for group in groups for a in _activations(group, key)]
    return {
        "schema": SCHEMA,
        "active": active,
        "project": project,
        "activations": activations,
    }


def _auto(loc: locate.Location) -> str | None:
    """Whether the prompt hook may activate the environment (`activate allow`):
    "allowed", "changed" (allowed, then edited), "not allowed"; None for a bare
    manifest file (only a project's .flox activates automatically)."""
    from .. import auto

    if loc.dotflox != os.path.join(loc.project, ".flox"):
        return None
    try:
        found = auto.find(loc.project)
    except OSError:
        return None
    return "allowed" if found.allowed else "changed" if found.changed else "not allowed"


AUTO_LINES = {
    "allowed": "allowed to activate automatically on cd",
    "changed": 'changed since allowed: not activated automatically until "activate allow"',
    "not allowed": 'not allowed to activate automatically ("activate allow" allows it)',
}


def _read(loc: locate.Location) -> tuple[Manifest | None, str]:
    """The project's manifest composed with what it includes (None when it is
    not valid: activating it says why), and the included manifests' stamp."""
    from .. import compose

    try:
        return compose.load(loc.manifest_path, loc.manifest_bytes)
    except (ActivateError, OSError):
        return None, ""


def _services(m: Manifest | None, groups: list[str]) -> list[dict[str, object]] | None:
    """Each service's status, as `activate services status --json` gives it
    (None when the manifest is not valid). Reads only: nothing is created."""
    if m is None:
        return None
    if not m.services:
        return []
    from ..services import control
    from ..services.layout import Layout

    existing = [g for g in groups if os.path.isdir(os.path.join(g, "services"))]
    lay = Layout(existing[0] if existing else os.path.join(groups[0] if groups else "", "-"))
    rows = control.status(lay, m)["services"]
    assert isinstance(rows, list)
    return rows


def _catalog(m: Manifest) -> list[dict[str, str | None]]:
    """Each pkg-path entry and the conda-forge package it became (or why none)."""
    out: list[dict[str, str | None]] = []
    seen: dict[str, dict[str, str | None]] = {}
    for pid, source, spec, _ in m.catalog:
        if pid in seen:  # a python package set's member: its python too
            seen[pid]["conda"] = f"{seen[pid]['conda']}, {spec}"
            continue
        seen[pid] = {"id": pid, "entry": source, "conda": spec, "why": None}
        out.append(seen[pid])
    out += [
        {"id": pid, "entry": source, "conda": None, "why": why}
        for pid, source, why in m.packages
        if source.startswith("pkg-path")
    ]
    return out


def _recorded_shortfall(roots: list[str], dotflox: str) -> list[dict[str, str]] | None:
    """What an active environment's manifest asked for and did not get, from
    the manifest activate recorded when it activated it (the newest); None
    when there is no record (the state folder was cleared)."""
    from .. import missing
    from ..manifest import Manifest

    records = []
    for root in roots:
        group = locate.group_dir(root, dotflox)
        try:
            names = os.listdir(group)
        except OSError:
            continue
        for name in names:
            if name.endswith(".manifest"):
                path = os.path.join(group, name)
                try:
                    records.append((os.stat(path).st_mtime, path))
                except OSError:
                    continue
    for _, path in sorted(records, reverse=True):
        raw = read_file(path)
        data = registry.decode(raw) if raw is not None else None
        try:
            return missing.items(Manifest.from_record(data["manifest"]))  # type: ignore[index,arg-type]
        except (KeyError, TypeError, ValueError, AssertionError):
            continue
    return None


def _activations(group: str, current: str) -> list[dict[str, object]]:
    try:
        names = sorted(os.listdir(group))
    except FileNotFoundError:
        return []
    out: list[dict[str, object]] = []
    for name in names:
        path = os.path.join(group, name)
        if not os.path.isdir(path) or "." not in name:
            continue
        key, _, mode = name.partition(".")
        adir = registry.ActivationDir(path)
        holders = adir.live_holders(prune=False)  # status changes nothing
        starter = adir.starter()
        if not holders and starter is None:
            continue  # nothing of it is alive
        record_bytes = read_file(adir.record_path)
        raw = registry.decode(record_bytes) if record_bytes is not None else None
        started = raw.get("started") if raw else None
        out.append(
            {
                "mode": mode,
                "manifest_hash": key,
                "manifest_changed": key != current,
                "state": "ready" if raw and holders else "starting",
                "started": _iso(started) if isinstance(started, float) else None,
                "pids": [{"pid": pid, "command": _command(pid)} for pid, _ in sorted(holders)],
                "environments": _environments(raw.get("environments") if raw else None),
            }
        )
    return out


def _environments(listed: object) -> list[dict[str, object]]:
    """The package environments an activation uses: backend, folder, packages."""
    from ..packages import store

    out: list[dict[str, object]] = []
    for item in listed if isinstance(listed, list) else []:
        backend, key = str(item[0]), str(item[1])
        marker = store.marker(key) or {}
        packages = marker.get("packages")
        out.append(
            {
                "backend": backend,
                "path": store.path(key),
                "packages": packages if isinstance(packages, list) else [],
            }
        )
    return out


def _locked(manifest_path: str) -> dict[str, object] | None:
    """The lock beside the manifest: its path and, by backend, the packages
    with their resolved versions; None when there is none."""
    from ..packages import lockfile

    path = lockfile.path_for(manifest_path)
    try:
        sections = lockfile.read(path)
    except ActivateError:
        sections = {}
    if not sections:
        return None
    return {
        "path": path,
        "packages": {
            name: [
                {"name": str(p.get("name")), "version": str(p.get("version"))}
                for p in section.get("packages") or []  # type: ignore[attr-defined]
                if isinstance(p, dict)
            ]
            for name, section in sections.items()
        },
    }


def _iso(when: float) -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(when))


def _command(pid: int) -> str:
    """The process's name, as ps shows it (psutil: the portable way)."""
    import psutil

    try:
        return str(psutil.Process(pid).name())
    except psutil.Error:
        return ""


def _plain(data: dict[str, object]) -> None:
    lines = []
    active = data["active"]
    assert isinstance(active, list)
    lines.append(
        "active in this shell: "
        + (", ".join(f"{e['name']} ({e['mode']})" for e in active) or "none")
    )
    for e in active:
        if e["not_provided"]:
            lines.append(f"  {e['name']}: not provided: {_short(e['not_provided'])}")
    project = data["project"]
    if isinstance(project, dict):
        lines.append(f"project: {project['name']} in {project['path']}")
        for inc in project["included"] or []:
            lines.append(f"  includes {inc['dir']}: {inc['manifest']}")
        if project["auto"]:
            lines.append(f"  {AUTO_LINES[project['auto']]}")
        if project["not_provided"]:
            lines.append(f"  not provided: {_short(project['not_provided'])}")
        services = project.get("services") or []
        if services:
            lines.append("  services: " + _services_shown(services))
        for c in project["catalog"] or []:
            became = c["conda"] or f"none ({c['why']})"
            lines.append(f"  [install] {c['id']} ({c['entry']}) from conda-forge: {became}")
        lock = project["lock"]
        if isinstance(lock, dict):
            for backend, packages in lock["packages"].items():
                listed = ", ".join(f"{p['name']} {p['version']}" for p in packages) or "none"
                lines.append(f"  {backend} packages (locked): {listed}")
        acts = data["activations"]
        assert isinstance(acts, list)
        if not acts:
            lines.append("  no live activation")
        for a in acts:
            pids = ", ".join(f"{p['pid']} {p['command']}".strip() for p in a["pids"]) or "-"
            changed = " (manifest changed since)" if a["manifest_changed"] else ""
            lines.append(
                f"  {a['mode']}: {a['state']}, started {a['started'] or '-'}, pids {pids}{changed}"
            )
            for env in a["environments"]:
                lines.append(f"    {env['backend']} environment: {env['path']}")
    sys.stdout.write("\n".join(lines) + "\n")


def _services_shown(services: list[dict[str, object]]) -> str:
    """`db Running (pid 42), job Completed (0)`: each service and how it is."""
    from ..services.control import label

    return ", ".join(
        f"{r['name']} {label(r)}" + (f" (pid {r['pid']})" if r["pid"] else "") for r in services
    )


def _short(items: list[dict[str, str]]) -> str:
    """`[install] go, jq; [services] db; [build]`: what was not provided, by kind."""
    heads = {"package": "[install]", "service": "[services]", "include": "[include]"}
    groups: dict[str, list[str]] = {}
    for item in items:
        groups.setdefault(heads.get(item["kind"], ""), []).append(item["name"])
    parts = [f"{head} {', '.join(names)}" for head, names in groups.items() if head]
    parts += groups.get("", [])
    return "; ".join(parts)


def _table(data: dict[str, object]) -> None:
    from rich.console import Console
    from rich.markup import escape
    from rich.table import Table

    console = Console(highlight=False)
    active = data["active"]
    assert isinstance(active, list)
    names = ", ".join(f"{escape(e['name'])} ({e['mode']})" for e in active) or "none"
    console.print(f"[bold]active in this shell:[/] {names}")
    for e in active:
        if e["not_provided"]:
            console.print(
                f"  {escape(e['name'])}: [yellow]not provided:[/] {escape(_short(e['not_provided']))}"
            )
    project = data["project"]
    if not isinstance(project, dict):
        console.print("no project here (no .flox above this folder)")
        return
    for inc in project["included"] or []:
        console.print(f"[bold]includes[/] {escape(inc['dir'])}: {escape(inc['manifest'])}")
    if project["auto"]:
        console.print(AUTO_LINES[project["auto"]])
    if project["not_provided"]:
        console.print(f"[yellow]not provided:[/] {escape(_short(project['not_provided']))}")
    services = project.get("services") or []
    if services:
        console.print(f"[bold]services:[/] {escape(_services_shown(services))}")
    lock = project["lock"]
    if isinstance(lock, dict):
        for backend, packages in lock["packages"].items():
            listed = ", ".join(f"{p['name']} {p['version']}" for p in packages) or "none"
            console.print(f"[bold]{backend} packages[/] (locked): {escape(listed)}")
    title = f"{escape(str(project['name']))}: {escape(str(project['path']))}"
    table = Table(title=title, title_justify="left")
    for column in ("mode", "state", "started (UTC)", "manifest", "pids", "environments"):
        table.add_column(column)
    acts = data["activations"]
    assert isinstance(acts, list)
    for a in acts:
        pids = "\n".join(escape(f"{p['pid']} {p['command']}".strip()) for p in a["pids"]) or "-"
        manifest = f"{a['manifest_hash'][:12]}" + (
            " [yellow](changed since)[/]" if a["manifest_changed"] else ""
        )
        envs = "\n".join(escape(f"{e['backend']}: {e['path']}") for e in a["environments"]) or "-"
        table.add_row(a["mode"], a["state"], a["started"] or "-", manifest, pids, envs)
    if not acts:
        console.print(title + ": no live activation")
    else:
        console.print(table)
