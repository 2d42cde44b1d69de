"""The conda backend: conda prefixes solved and installed with py-rattler."""

from __future__ import annotations

from . import Need, PackageError

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable

NAME = "conda"


def fingerprint(need: Need) -> dict[str, object]:
    """The normalized match specs and the channels."""
    return {"specs": sorted(n for _, _, n in need.entries), "options": need.options}


def still_valid(need: Need, section: dict[str, object]) -> bool:
    """The lock was solved for this platform."""
    return True


def resolve(need: Need, say: Callable[[str], None]) -> dict[str, object]:
    """Solve the specs."""
    raise PackageError("the conda backend is being written")


def key(need: Need, section: dict[str, object]) -> dict[str, object]:
    """The locked packages and the platform."""
    return {"backend": NAME, "packages": section.get("packages")}


def build(
    need: Need, section: dict[str, object], tmp: str, final: str, say: Callable[[str], None]
) -> dict[str, object]:
    """Install the locked packages into `tmp`."""
    raise PackageError("the conda backend is being written")
