# activate's prompt hook for tcsh, sourced by precmd (docs/auto-activation.md):
# builtins decide whether the projects the shell is in (the folders at and
# above it holding .flox/env/manifest.toml) or a watched file (their
# manifests, the trust store) changed since the last look; only then does
# `activate hook-env tcsh` run.
set _activate_auto_go = 1
if ( $?_activate_auto_pwd && $?_activate_auto_stamp && $?_activate_auto_found ) then
  if ( "$cwd:q" != "$_activate_auto_pwd:q" ) then
    # A new folder: only the projects at and above it matter. A symlink on
    # the way (the real folders may differ) counts as a change.
    set _activate_auto_walk = ""
    set _activate_auto_d = "$cwd:q"
    while ( "$_activate_auto_d:q" != "" )
      if ( -l "$_activate_auto_d:q" ) then
        set _activate_auto_walk = "-"
        break
      endif
      if ( -f "$_activate_auto_d:q/.flox/env/manifest.toml" ) set _activate_auto_walk = "$_activate_auto_walk:q$_activate_auto_d:q/"
      set _activate_auto_d = "$_activate_auto_d:h"
    end
    unset _activate_auto_d
    if ( "$_activate_auto_walk:q" == "$_activate_auto_found:q" ) set _activate_auto_pwd = "$cwd:q"
  endif
  if ( "$cwd:q" == "$_activate_auto_pwd:q" ) then
    set _activate_auto_go = 0
    foreach _activate_auto_f ( $_activate_auto_watch:q )
      if ( -e "$_activate_auto_f:q" ) then
        if ( -M "$_activate_auto_f:q" >= -M "$_activate_auto_stamp:q" ) set _activate_auto_go = 1
      endif
    end
    unset _activate_auto_f
  endif
endif
if ( $_activate_auto_go ) then
  if ( ! $?_activate_auto_walk ) set _activate_auto_walk = "-"
  if ( ! $?_activate_auto_state ) set _activate_auto_state = ""
  eval "`"$_activate_auto_cmd:q" hook-env tcsh "$_activate_auto_state:q"`"
  set _activate_auto_pwd = "$cwd:q"
  set _activate_auto_found = "$_activate_auto_walk:q"
endif
unset _activate_auto_go
