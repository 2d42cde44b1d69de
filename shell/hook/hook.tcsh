set _activate_auto_cmd = @ENTRIES@; set _activate_auto_precmd = @PRECMD@; source @INSTALL@;
