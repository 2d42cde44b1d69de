# activate.bash: runs a manifest's [hook] on-activate and records what it exported.
#
# Started by activate as: bash activate.bash HOOK_FILE OUT_DIR PRELUDE
# with stdout and stderr on a pipe that activate passes on to its stderr
# (relay.py), so the hook's output can never reach code that
# `eval "$(activate --print)"` reads, and bash's messages name the manifest,
# not HOOK_FILE. It writes, in OUT_DIR:
#   before, after  the exported variables, NUL-separated NAME=VALUE, around the hook
#   outcome        "end", "return STATUS" or "exit STATUS", then a line
#                  "LINE<TAB>COMMAND" for the last command that failed, if any
# No outcome file means the hook replaced this process (`exec`).
# PRELUDE (bash code, maybe empty) runs first, after the first dump: the
# activation scripts of conda packages, whose exports are recorded too.

__activate_hook=$1
__activate_out=$2
__activate_prelude=$3
shift 3
__activate_fail=

# Exported variables, NUL-separated: values may hold newlines. Immune to the
# hook's IFS, set -u, set -x and to functions named like builtins. No fork:
# the names go through a file rather than $(...).
__activate_dump() {
  { builtin set +x +e +u; } 2>/dev/null
  local __n
  builtin compgen -e >|"$__activate_out/names"
  while IFS= builtin read -r __n; do
    if [[ -n ${!__n+set} ]]; then builtin printf '%s=%s\0' "$__n" "${!__n}"; fi
  done <"$__activate_out/names" >|"$1"
}

__activate_outcome() {
  builtin printf '%s\n%s' "$1" "$__activate_fail" >|"$__activate_out/outcome"
}

__activate_dump "$__activate_out/before"
if [[ -s $__activate_prelude ]]; then builtin source "$__activate_prelude"; fi
# The traps' commands run amid the hook's: `{ ...; } 2>/dev/null` keeps them
# (and the paths of this folder) out of a `set -x` trace.
# `exit N` in the hook ends this bash: record the status on the way out.
builtin trap '{ __activate_outcome "exit $?"; } 2>/dev/null' EXIT
# The last failing command and its line in the hook, to name it in errors.
builtin trap '{ [[ ${BASH_SOURCE[0]-} != "$__activate_hook" ]] || __activate_fail="$LINENO	$BASH_COMMAND"; } 2>/dev/null' ERR

__activate_end=
builtin source "$__activate_hook"
# The hook is over: a `set -x` it left on would trace what follows.
{ __activate_status=$?; builtin set +x; } 2>/dev/null
builtin trap - EXIT ERR
if [[ -n $__activate_end ]]; then
  __activate_outcome end
else
  __activate_outcome "return $__activate_status"
fi
__activate_dump "$__activate_out/after"
builtin exit 0
