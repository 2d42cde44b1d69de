# activate: `command not found` for a command an [install] entry would have
# provided also says which entry, and why it was not provided.
# Sourced by the launch code of `activate` and `activate -c`; activate fills
# in the list below: command name, then the message, for each such command.
__activate_not_provided=(@ENTRIES@)
if declare -F command_not_found_handle >/dev/null; then
  # Keep the handler the user's rc files defined (Debian's command-not-found).
  __activate_cnf=$(declare -f command_not_found_handle)
  eval "__activate_cnf_previous${__activate_cnf#command_not_found_handle}"
  unset __activate_cnf
fi
command_not_found_handle() {
  local __i
  for ((__i = 0; __i < ${#__activate_not_provided[@]}; __i += 2)); do
    if [[ ${__activate_not_provided[__i]} == "$1" ]]; then
      printf 'bash: %s: command not found\nactivate: %s\n' "$1" "${__activate_not_provided[__i + 1]}" >&2
      return 127
    fi
  done
  if declare -F __activate_cnf_previous >/dev/null; then
    __activate_cnf_previous "$@"
    return
  fi
  printf 'bash: %s: command not found\n' "$1" >&2
  return 127
}
