"""Bad manifests fail before anything runs: file, line, a hint, nothing on stdout."""

from __future__ import annotations

import pytest

from conftest import CORPUS, Sandbox

# (manifest text, words the error must contain, the line it must name)
BAD = {
    "invalid-toml": ('version = 1\n[vars]\nA = "unclosed\n', ["invalid TOML"], "line 3, column"),
    "number-var": ("[vars]\nPORT = 8080\n", ["PORT must be a string", 'PORT = "8080"'], "line 2"),
    "bool-var": ("[vars]\n\nDEBUG = true\n", ["DEBUG must be a string"], "line 3"),
    "bad-name": (
        '[vars]\n"MY-VAR" = "x"\n',
        ["'MY-VAR' is not a valid environment variable name"],
        "line 2",
    ),
    "digit-name": ('[vars]\n"1X" = "x"\n', ["not a valid environment variable name"], "line 2"),
    "mode": ('[options]\nactivate.mode = "prod"\n', ['must be "dev" or "run"', "'prod'"], "line 2"),
    "command-sub": ('[vars]\nWHO = "$(whoami)"\n', ["command substitution", "[hook]"], "line 2"),
    "backtick": ('[vars]\nWHO = "`whoami`"\n', ["command substitution"], "line 2"),
    "cycle": (
        '[vars]\nA = "$B"\nB = "x${C}"\nC = "$A"\n',
        ["circle", "A -> B -> C -> A"],
        "line 2",
    ),
    "expansion": ('[vars]\nA = "${B:-default}"\n', ["${NAME}"], "line 2"),
    "unknown-section": (
        '[var]\nA = "1"\n',
        ["unknown manifest section 'var'", "did you mean [vars]"],
        "line 1",
    ),
    "hook-not-string": ("[hook]\non-activate = 1\n", ["must be a string"], "line 2"),
    "nul": ('[vars]\nA = "a\\u0000b"\n', ["NUL"], "line 2"),
}


@pytest.mark.parametrize(("text", "words", "where"), BAD.values(), ids=BAD.keys())
def test_a_bad_manifest_is_explained_and_nothing_runs(
    sandbox: Sandbox, text: str, words: list[str], where: str
) -> None:
    sandbox.write_manifest(
        text + "[hook]\non-activate = 'touch RAN'\n" if "[hook]" not in text else text
    )
    result = sandbox.run(["--print", "--shell", "bash"])
    assert result.returncode == 3, result.stderr
    assert result.stdout == ""
    assert str(sandbox.manifest.resolve()) in result.stderr
    assert where in result.stderr
    assert "hint:" in result.stderr
    for word in words:
        assert word in result.stderr
    assert "Traceback" not in result.stderr
    assert len(result.stderr.splitlines()) <= 20  # one screen
    assert not (sandbox.project / "RAN").exists()
    assert not [p for p in sandbox.state_files() if p.name in ("record", "starting")]


def test_the_invalid_corpus_manifest_names_its_line(sandbox: Sandbox) -> None:
    bad = next(CORPUS.glob("018__*.toml"), None)
    if bad is None:
        pytest.skip("the shared corpus is not beside the checkout")
    result = sandbox.run(["-f", str(bad), "--", "true"])
    assert result.returncode == 3
    assert "line 259, column 8" in result.stderr
    assert "259 | zsh = '" in result.stderr


def test_a_manifest_that_is_not_utf8_is_explained(sandbox: Sandbox) -> None:
    sandbox.manifest.parent.mkdir(parents=True)
    sandbox.manifest.write_bytes(b'[vars]\nA = "caf\xe9"\n')
    result = sandbox.run(["--", "true"])
    assert result.returncode == 3
    assert "not UTF-8" in result.stderr and "line 2" in result.stderr


def test_other_flox_sections_are_read_without_error(sandbox: Sandbox) -> None:
    sandbox.write_manifest(
        'schema-version = "1.10.0"\n'
        '[install]\ngo.pkg-path = "go"\ngo.version = "^1.23"\n'
        '[services]\napp.command = "go run ."\n'
        '[build.app]\ncommand = "make"\n'
        '[include]\nenvironments = [{ remote = "flox/redis" }]\n'
        '[containerize.config]\nuser = "me"\n'
        '[options]\nsystems = ["x86_64-linux", "aarch64-darwin"]\ncuda-detection = false\n'
        'activate.catalog = "none"\n'  # go only named (the catalog: test_catalog_entries.py)
    )
    result = sandbox.run(["--", "true"])
    assert result.returncode == 0, result.stderr
    assert result.stderr.splitlines() == [
        'activate: [install] not available without Nix: go (pkg-path "go")',
        "activate: [include] not merged (FloxHub is not reachable): remote flox/redis",
        "activate: not supported yet, ignored: [build], [containerize]",
    ]


def test_sections_and_options_from_newer_flox_schemas_are_named_not_fatal(sandbox: Sandbox) -> None:
    sandbox.write_manifest(
        'version = 1\n[futurething]\nx = 1\n[options]\nstability = "unstable"\nallow.unfree = true\n'
    )
    result = sandbox.run(["--", "true"])
    assert result.returncode == 0, result.stderr
    note = next(line for line in result.stderr.splitlines() if "not supported yet" in line)
    for item in ("[futurething]", "[options] stability", "[options] allow"):
        assert item in note
