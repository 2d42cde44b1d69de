# The [vars] names of the manifest a command line names, one a line: -f FILE,
# else -d DIR's, else the nearest .flox/env/manifest.toml at or above $PWD.
# For the services commands (the first word that is not an option, nor an
# option's value, is services): the [services] names instead.
# The line comes in $COMMAND_LINE (tcsh sets it for `...` completions; the
# other shells pass it).
#
# activator.completion joins these lines into one, dropping comment lines
# (those starting with #), so that every shell can hold the program in single
# quotes, tcsh inside a backquoted, eval'd line too. So: end every statement
# with ; or a brace, and use no single quote, no exclamation mark, no at sign,
# no number sign and no doubled backslash below the comments.
BEGIN {
    n = split(ENVIRON["COMMAND_LINE"], w, " ");
    for (i = 2; i <= n; i++) {
        if (w[i] == "--") break;
        if (w[i] == "-f" || w[i] == "--file") file = w[i + 1];
        if (w[i] == "-d" || w[i] == "--dir") dir = w[i + 1];
        if (index(w[i], "--file=") == 1) file = substr(w[i], 8);
        if (index(w[i], "--dir=") == 1) dir = substr(w[i], 7);
        if (cmd == "" && (substr(w[i], 1, 1) == "-") == 0 && (w[i - 1] ~ /^-(f|d|c|-file|-dir|-mode|-shell)$/) == 0) cmd = w[i];
    }
    if (substr(file, 1, 2) == "~/") file = ENVIRON["HOME"] substr(file, 2);
    if (substr(dir, 1, 2) == "~/") dir = ENVIRON["HOME"] substr(dir, 2);
    if (file == "" && length(dir)) file = dir "/.flox/env/manifest.toml";
    d = ENVIRON["PWD"];
    while (file == "" && length(d)) {
        m = d "/.flox/env/manifest.toml";
        if ((getline line < m) >= 0) file = m;
        close(m);
        match(d, /.*\//);
        d = substr(d, 1, RLENGTH - 1);
    }
    if (file == "") exit;
    services = (cmd == "services");
    while ((getline line < file) > 0) {
        if (line ~ /^[ \t]*\[/) {
            invars = (line ~ /^[ \t]*\[[ \t]*vars[ \t]*\]/);
            insvc = (line ~ /^[ \t]*\[[ \t]*services[ \t]*\]/);
            if (services && line ~ /^[ \t]*\[[ \t]*services[ \t]*\.[ \t]*"?[A-Za-z0-9_.-]/) {
                name = line;
                sub(/^[ \t]*\[[ \t]*services[ \t]*\.[ \t]*"?/, "", name);
                sub(/[]". \t].*/, "", name);
                if ((name in seen) == 0) { seen[name] = 1; print name; }
            }
        }
        else if (services && insvc && line ~ /^[ \t]*"?[A-Za-z0-9_-]+"?[ \t]*[.=]/) {
            name = line;
            sub(/^[ \t]*"?/, "", name);
            sub(/"?[ \t]*[.=].*/, "", name);
            if ((name == "auto-start") == 0 && (name in seen) == 0) { seen[name] = 1; print name; }
        }
        else if (services == 0 && invars && line ~ /^[ \t]*"?[A-Za-z_][A-Za-z0-9_]*"?[ \t]*=/) {
            sub(/^[ \t]*"?/, "", line);
            sub(/"?[ \t]*=.*/, "", line);
            print line;
        }
    }
}
