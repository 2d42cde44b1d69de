"""`activate init [DIR] [--name NAME]`: create .flox/env/manifest.toml and .flox/env.json."""

from __future__ import annotations

import json
import os
import sys

from ..errors import ActivateError, UsageError, warn
from ..grammar import Invocation

TEMPLATE = """\
# The environment's manifest (Flox's format), read by `activate`.
# Reference: docs/manifest.md. Everything below is commented out: uncomment
# what you need. Check it with `activate -- true`; change it with `activate edit`.
version = 1

[vars]
# Exported in every activation. $NAME and ${NAME} are expanded (never run);
# a literal dollar is \\$ in '...' strings, \\\\$ in "..." strings.
# GREETING = "hello"
# DATA_DIR = "$FLOX_ENV_CACHE/data"

[hook]
# bash, run once per activation; what it exports is kept. Its output goes to
# stderr. `return` leaves it early; a non-zero `exit`/`return` fails the activation.
# on-activate = '''
#   mkdir -p "$DATA_DIR"
#   export STARTED="$(date)"
# '''

[profile]
# Sourced by your own shell after its rc files: aliases and functions.
# common is sourced by every shell, so keep it to what all of them accept.
# common = '''
#   echo "welcome to $FLOX_ENV_DESCRIPTION"
# '''
# bash = "alias t='make test'"
# zsh = "alias t='make test'"
# fish = "alias t 'make test'"
# tcsh = "alias t 'make test'"

[options]
# dev: tools plus build paths (CPATH, PKG_CONFIG_PATH, ...); run: tools only.
# activate.mode = "dev"
# activate.env-files = [".env"]

[services]
# Run under supervisor while the environment is active: `activate -s`, then
# `activate services status` (see docs/services.md).
# web.command = "python3 -m http.server 8000"

# [install] pip and conda entries: see docs/packages.md. Other [install]
# entries, [build] and [include] are read but not supported by activate yet
# (see docs/flox-compatibility.md).
"""

_NAME_CHARS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-")


def run(inv: Invocation) -> int:
    """Create the manifest and env.json in FOLDER (default: the current folder)."""
    if inv.args and inv.get("dir"):
        raise UsageError("give the folder once: as FOLDER or as -d DIR", inv.path)
    folder = os.path.abspath(inv.args[0] if inv.args else inv.get("dir") or ".")
    name = inv.get("name") or os.path.basename(folder) or "default"
    if not all(c in _NAME_CHARS for c in name) or name.startswith((".", "-")):
        raise UsageError(f"--name {name!r}: use letters, digits, '.', '_' and '-' (not first)")
    env_dir = os.path.join(folder, ".flox", "env")
    manifest = os.path.join(env_dir, "manifest.toml")
    env_json = os.path.join(folder, ".flox", "env.json")
    for path in (manifest, env_json):
        if os.path.exists(path):
            raise ActivateError(
                f"{path} already exists; activate init does not overwrite it",
                hint="edit it with `activate edit`, or remove the .flox folder to start over",
            )
    try:
        os.makedirs(env_dir, exist_ok=True)
        with open(manifest, "x", encoding="utf-8") as f:
            f.write(TEMPLATE)
        with open(env_json, "x", encoding="utf-8") as f:
            f.write(json.dumps({"name": name, "version": 1}, indent=2) + "\n")
    except OSError as e:
        raise ActivateError(f"cannot create {e.filename or env_dir}: {e.strerror}") from None
    shown = os.path.relpath(folder) if folder != os.getcwd() else "."
    warn(f"created the environment {name!r} in {os.path.join(shown, '.flox')}")
    sys.stderr.write(
        "next:\n"
        "  activate edit                     add [vars], a [hook], a [profile]\n"
        "  activate                          start a shell in the environment\n"
        '  eval "$(activate --print)"        or configure the current shell in place\n'
    )
    return 0
