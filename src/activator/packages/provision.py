"""Provide a manifest's pip and conda packages: lock, build, show.

Called when an activation starts (before the hook) and by `activate install`
and `update`. For each backend the manifest uses (conda first: its Python
can carry the pip packages): take the lock's section if it still matches the
entries, else resolve and rewrite the lock; build the environment into the
shared store unless it is there; then make `$FLOX_ENV` show them.
"""

from __future__ import annotations

import os

from ..errors import EXIT_PACKAGES, ActivateError, warn
from ..manifest import Manifest, find_key_line
from . import Need, PackageError, Provided, interpreter, lockfile, store, view

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable

    from . import Backend

ORDER = ("conda", "pip")


def backend(name: str) -> Backend:
    """The module of backend `name`."""
    if name == "pip":
        from . import uv

        return uv
    from . import conda

    return conda


def needs(manifest: Manifest) -> list[str]:
    """The backends the manifest uses, in build order (pkg-path entries the
    catalog maps are conda entries)."""
    return [b for b in ORDER if entries_of(manifest, b)]


def entries_of(manifest: Manifest, backend: str) -> list[tuple[str, str, str]]:
    """(install id, spec, normalized spec) of the backend's entries."""
    if backend == "pip":
        return list(manifest.pip)
    return [*manifest.conda, *((pid, spec, normal) for pid, _, spec, normal in manifest.catalog)]


def prepare(
    manifest: Manifest,
    project: str,
    flox_env: str,
    mode: str,
    environ: dict[str, str],
    *,
    update: bool | set[str] = False,
    locked: bool = False,
    say: Callable[[str], None] | None = None,
) -> Provided:
    """Lock, build and show the manifest's packages in `flox_env`.

    `update`: resolve again, ignoring the lock (True: every entry; a set:
    the backends of those install ids). `locked`: fail instead of changing
    the lock."""
    from .progress import Progress

    lock_path = lockfile.path_for(manifest.path)
    sections = lockfile.read(lock_path)
    before = {k: dict(v) for k, v in sections.items()}
    provided = Provided()
    parts: list[view.Part] = []
    python: str | None = None
    with Progress(say) as progress:
        for name in needs(manifest):
            entries = entries_of(manifest, name)
            options = dict(manifest.package_options.get(name) or {})
            if name == "pip":
                python = interpreter(manifest, options, project, environ, python)
            # Catalog entries are best effort: what fails is named and left out.
            optional = {pid for pid, _, _, _ in manifest.catalog} if name == "conda" else set()
            while True:
                need = Need(name, entries, options, project, manifest.path, python, environ)
                try:
                    part: view.Part | None = _one(
                        need, sections, lock_path, mode, update, locked, progress.say
                    )
                    break
                except PackageError as e:
                    dropped = _best_effort(e, entries, optional)
                    if not dropped:
                        raise _error(manifest, need, e) from None
                    entries = [x for x in entries if x[0] not in dropped]
                    if not entries:
                        part = None
                        break
            if part is None:
                sections.pop(name, None)
                continue
            parts.append(part)
            provided.environments.append((name, os.path.basename(part.prefix)))
            if name == "conda":
                provided.conda_prefix = part.prefix
                marker = store.marker(os.path.basename(part.prefix)) or {}
                scripts = marker.get("activate_scripts")
                if isinstance(scripts, list):
                    provided.activate_scripts = [os.path.join(part.prefix, str(s)) for s in scripts]
                conda_python = os.path.join(part.prefix, "bin", "python")
                if os.path.exists(conda_python):
                    python = conda_python  # the pixi pattern: conda's Python, pip packages on top
        for name in list(sections):
            if name not in needs(manifest):
                del sections[name]  # the manifest no longer has such entries
        if sections != before:
            if locked:
                raise ActivateError(
                    f"the lock {lock_path} does not match the manifest's [install] entries",
                    hint="run `activate install` (without --locked) and commit the lock it writes",
                    status=EXIT_PACKAGES,
                )
            try:
                lockfile.write(lock_path, sections)
            except ActivateError as e:
                warn(f"{e.summary}; the packages are used, but the lock is not kept")
        view.update(flox_env, mode, parts)
    return provided


def _one(
    need: Need,
    sections: dict[str, dict[str, object]],
    lock_path: str,
    mode: str,
    update: bool | set[str],
    locked: bool,
    say: Callable[[str], None],
) -> view.Part:
    """Lock (if needed), build (if needed) one backend's environment."""
    mod = backend(need.backend)
    fingerprint = store.digest(mod.fingerprint(need))
    section = sections.get(need.backend)
    stale = (
        section is None
        or section.get("fingerprint") != fingerprint
        or not mod.still_valid(need, section)
        or update is True
        or (isinstance(update, set) and any(pid in update for pid, _, _ in need.entries))
    )
    if stale and locked:
        raise ActivateError(
            f"the lock {lock_path} does not match the manifest's {need.backend} entries",
            hint="run `activate install` (without --locked) and commit the lock it writes",
            status=EXIT_PACKAGES,
        )
    try:
        if stale:
            section = {"fingerprint": fingerprint, **mod.resolve(need, say)}
            sections[need.backend] = section
        assert section is not None
        key = store.digest(mod.key(need, section))
        count = len(section.get("packages") or [])  # type: ignore[arg-type]
        describe = f"the {need.backend} environment ({count} packages)"
        found = section

        def build(tmp: str, final: str) -> dict[str, object]:
            return mod.build(need, found, tmp, final, say)

        final = store.ensure(key, build, describe, say)
    finally:
        mod.finish()  # what resolve kept for the build (a venv, a rattler process)
    store.add_user(key, lock_path, store.digest(section))
    marker = store.marker(key) or {}
    programs = marker.get("programs")
    chosen = (
        programs.get("all" if mode == "dev" else "requested")
        if isinstance(programs, dict)
        else None
    )
    listed = [str(p) for p in chosen] if isinstance(chosen, list) else []
    return view.Part(need.backend, final, listed, python=need.backend == "pip")


def _best_effort(
    e: PackageError, entries: list[tuple[str, str, str]], optional: set[str]
) -> set[str]:
    """The catalog entries to leave out after `e` (said on stderr): the one the
    backend named, or, when it named none (a channel that cannot be reached),
    every catalog entry. None when `e` is about an entry the manifest asks for
    explicitly: that fails the activation."""
    present = {pid for pid, _, _ in entries}
    if e.entry is not None:
        if e.entry not in optional:
            return set()
        dropped = {e.entry}
    else:
        dropped = optional & present
    if not dropped:
        return set()
    reason = e.message + (": " + e.detail.strip().splitlines()[-1] if e.detail.strip() else "")
    names = ", ".join(sorted(dropped))
    warn(f"[install] {names} (from the catalog) not provided: {reason}")
    return dropped


def _error(manifest: Manifest, need: Need, e: PackageError) -> ActivateError:
    """The one-screen error: the entry and its manifest line, the backend's reason."""
    text = ""
    try:
        with open(manifest.path, encoding="utf-8") as f:
            text = f.read()
    except OSError:
        pass
    line = None
    if e.entry is not None:
        line = find_key_line(text, ("install", e.entry)) or find_key_line(
            text, ("plugins", "activate", "install", e.entry)
        )
    summary = e.message + (f" ([install] {e.entry})" if e.entry else "")
    return ActivateError(
        summary,
        details=(e.detail,) if e.detail else (),
        path=manifest.path,
        line=line,
        source_text=text if line else None,
        hint="fix the entry, or the options that say where packages come from; nothing was activated",
        status=EXIT_PACKAGES,
    )
