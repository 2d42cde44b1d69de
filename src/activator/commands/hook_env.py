"""`activate hook-env SHELL [STATE]`: what the prompt hook runs when something changed.

Hidden from help and completion: only the hook (`activate hook SHELL`) calls
it, and `cli` hands that exact call to `prompt.update` before the command
table is imported. This module is the table's entry for it.
"""

from __future__ import annotations

TYPE_CHECKING = False
if TYPE_CHECKING:  # for the type checker only
    from ..grammar import Invocation


def run(inv: Invocation) -> int:
    """Print the code that brings the calling shell's auto-activations up to date."""
    from .. import prompt

    return prompt.update(inv.args[0], inv.args[1] if len(inv.args) > 1 else "")
