# activate's rc file for interactive bash subshells (bash --rcfile).
# bash has already read /etc/bash.bashrc; --rcfile replaced ~/.bashrc, so
# read it here, then the activation, so it wins over anything the rc files did.
if [ -n "${_ACTIVATE_BASH_ENV+x}" ]; then BASH_ENV=$_ACTIVATE_BASH_ENV; else unset BASH_ENV; fi
unset _ACTIVATE_BASH_ENV
if [ -f ~/.bashrc ]; then . ~/.bashrc; fi
if [ -n "${_ACTIVATE_LAUNCH-}" ]; then
  __activate_launch=$_ACTIVATE_LAUNCH
  unset _ACTIVATE_LAUNCH
  . "$__activate_launch"
  unset __activate_launch
fi
