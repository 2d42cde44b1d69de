# activate: `command not found` for a command an [install] entry would have
# provided also says which entry, and why it was not provided.
# Sourced by the launch code of `activate` and `activate -c`; activate fills
# in the list below: command name, then the message, for each such command.
__activate_not_provided=(@ENTRIES@)
if (( ${+functions[command_not_found_handler]} )); then
  # Keep the handler the user's rc files defined.
  functions[__activate_cnf_previous]=$functions[command_not_found_handler]
fi
command_not_found_handler() {
  local __i
  for ((__i = 1; __i < ${#__activate_not_provided}; __i += 2)); do
    if [[ $__activate_not_provided[__i] == "$1" ]]; then
      print -ru2 -- "zsh: command not found: $1"
      print -ru2 -- "activate: $__activate_not_provided[__i + 1]"
      return 127
    fi
  done
  if (( ${+functions[__activate_cnf_previous]} )); then
    __activate_cnf_previous "$@"
    return
  fi
  print -ru2 -- "zsh: command not found: $1"
  return 127
}
