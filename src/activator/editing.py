"""Change a manifest: the changed text must be a valid manifest, and is
written atomically (keeping the file's mode), or nothing is written."""

from __future__ import annotations

from . import manifest, state
from .errors import ActivateError
from .locate import Location


def save(loc: Location, text: str) -> None:
    """Replace the manifest at `loc` by `text`, which must pass every check
    activation makes; on any problem the manifest is unchanged."""
    data = text.encode("utf-8")
    try:
        manifest.load(loc.manifest_path, data)
    except ActivateError as e:
        e.details = (*e.details, "nothing was written: the manifest is unchanged")
        raise
    try:
        problem = state.replace_problem(loc.manifest_path)
        if problem is not None:
            raise problem
        state.replace_file(loc.manifest_path, data)
    except OSError as e:
        raise state.write_error("the manifest", loc.manifest_path, e) from None
