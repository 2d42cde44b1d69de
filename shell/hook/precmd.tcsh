# activate's prompt hook for tcsh, sourced by precmd (docs/auto-activation.md):
# builtins decide whether the folder or a watched file changed since the last
# look; only then does `activate hook-env tcsh` run.
set _activate_auto_go = 1
if ( $?_activate_auto_pwd && $?_activate_auto_stamp ) then
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
  eval "`"$_activate_auto_cmd:q" hook-env tcsh`"
  set _activate_auto_pwd = "$cwd:q"
endif
unset _activate_auto_go
