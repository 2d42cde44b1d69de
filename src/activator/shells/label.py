"""The prompt label every shell shows while an environment is active."""

from __future__ import annotations


def prompt_label(names: str) -> str:
    """The environment names as shown in a prompt: characters that any shell's
    prompt would interpret (`%`, `$`, `\\`, `!`, backticks, ...) become `_`."""
    safe = "".join(c if c.isalnum() or c in " ._+-@/:,=" else "_" for c in names)
    return f"({safe}) "
