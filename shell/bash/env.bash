# activate's BASH_ENV for non-interactive bash (activate -c, piped input):
# restore and read the user's own BASH_ENV, then the activation.
if [ -n "${_ACTIVATE_BASH_ENV+x}" ]; then
  BASH_ENV=$_ACTIVATE_BASH_ENV
  unset _ACTIVATE_BASH_ENV
  if [ -n "$BASH_ENV" ] && [ -f "$BASH_ENV" ]; then . "$BASH_ENV"; fi
else
  unset BASH_ENV
fi
# Profile aliases work in `activate -c` as they do in the subshell.
shopt -s expand_aliases
if [ -n "${_ACTIVATE_LAUNCH-}" ]; then
  __activate_launch=$_ACTIVATE_LAUNCH
  unset _ACTIVATE_LAUNCH
  . "$__activate_launch"
  unset __activate_launch
fi
