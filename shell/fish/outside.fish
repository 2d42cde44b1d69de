# Sourced by fish before and after an activation's [profile] code (the first
# time with __activate_x=start): the exported variables that code set,
# changed or unset join _ACTIVATE_OUTSIDE, so that `activate --outside`
# restores them too. Values are compared escaped, each one a single string.
if test "$__activate_x" = start
    set -g __activate_x end
    set -g __activate_xn (set -xn)
    set -g __activate_xv
    for __activate_n in $__activate_xn
        set -l __activate_v (string escape -- $$__activate_n)
        set -a __activate_xv "$__activate_v"
    end
else
    set -l __activate_xs
    for __activate_n in (set -xn)
        string match -q -- '_ACTIVATE_*' $__activate_n; and continue
        string match -q -- '__activate*' $__activate_n; and continue
        set -l __activate_i (contains -i -- $__activate_n $__activate_xn)
        set -l __activate_v (string escape -- $$__activate_n)
        if test -z "$__activate_i"; or test "$__activate_xv[$__activate_i]" != "$__activate_v"
            set -a __activate_xs $__activate_n
        end
    end
    for __activate_n in $__activate_xn
        set -qx $__activate_n; or set -a __activate_xs $__activate_n
    end
    if set -q __activate_xs[1]
        set -gx _ACTIVATE_OUTSIDE "$_ACTIVATE_OUTSIDE "(string join ' ' -- $__activate_xs)
    end
    set -e __activate_x
    set -e __activate_xn
    set -e __activate_xv
    set -e __activate_n
end
