# activate's prompt hook for bash: auto-activation on cd (docs/auto-activation.md).
# At each prompt, builtins decide whether the projects the shell is in (the
# folders at and above it holding .flox/env/manifest.toml) or a watched file
# (their manifests, the trust store) changed since the last look; only then does
# `activate hook-env bash` run, printing the code that deactivates and
# activates environments in place. Works under set -u and set -e.
_activate_auto_cmd=@ENTRIES@
@CHANGED@
# Gives the rest of PROMPT_COMMAND the status the prompt started with (not
# under set -e, where a failing status would end the shell).
_activate_auto_status() {
  case $- in *e*) return 0 ;; esac
  return "$1"
}
# Run at the top level of PROMPT_COMMAND, not in a function, so that what
# [profile] code declares is global.
_activate_auto_line='_activate_auto_s=$?; if _activate_auto_changed; then eval "$(command "$_activate_auto_cmd" hook-env bash "${_activate_auto_state-}")"; _activate_auto_pwd=$PWD _activate_auto_found=${_activate_auto_walk-}; fi; _activate_auto_status "$_activate_auto_s"'
case "${PROMPT_COMMAND[*]-}" in
*_activate_auto_changed*) ;;
*)
  # An array (bash 5.1 runs each element): the hook becomes the first one.
  # `declare -p`, not ${PROMPT_COMMAND@a}: bash before 4.4 (macOS's 3.2) has no @a.
  case $(declare -p PROMPT_COMMAND 2>/dev/null) in
  "declare -a"*) PROMPT_COMMAND=("$_activate_auto_line" "${PROMPT_COMMAND[@]}") ;;
  *) PROMPT_COMMAND=$_activate_auto_line${PROMPT_COMMAND:+$'\n'$PROMPT_COMMAND} ;;
  esac
  ;;
esac
