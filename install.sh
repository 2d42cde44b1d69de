#!/bin/sh
# Install activate into a tool environment of its own and link the command
# into ~/.local/bin.
#
# Why not `pip install .` into your project's virtualenv: pip would write a
# console script named `activate` over the venv's own bin/activate, silently
# breaking `source .venv/bin/activate` in that venv. A dedicated environment
# (like pipx or `uv tool install` make) avoids that.
#
#   ACTIVATE_TOOL_DIR  where the tool environment goes (default ~/.local/share/activate-tool)
#   ACTIVATE_BIN_DIR   where the `activate` link goes (default ~/.local/bin)
#   PYTHON             the Python to use (3.11 or newer; default python3)
set -eu
here=$(cd "$(dirname "$0")" && pwd)
tool=${ACTIVATE_TOOL_DIR:-${XDG_DATA_HOME:-$HOME/.local/share}/activate-tool}
bindir=${ACTIVATE_BIN_DIR:-$HOME/.local/bin}
python=${PYTHON:-python3}

if ! "$python" -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
  echo "install.sh: activate needs Python 3.11 or newer ($python is older or missing)" >&2
  exit 1
fi
if [ ! -x "$tool/bin/python" ]; then
  "$python" -m venv "$tool"
fi
"$tool/bin/python" -m pip install -q --disable-pip-version-check --upgrade "$here[all]"
mkdir -p "$bindir"
ln -sf "$tool/bin/activate" "$bindir/activate"
echo "install.sh: installed $bindir/activate ($("$bindir/activate" --version))" >&2
case ":$PATH:" in
  *":$bindir:"*) ;;
  *) echo "install.sh: add $bindir to your PATH to run \`activate\` by name" >&2 ;;
esac
