"""Every example in README.md and docs/*.md runs, and shows what the page says.

How the pages are written (the convention this test enforces):

- A fenced block marked ``bash``, ``sh``, ``zsh``, ``fish`` or ``tcsh`` is a
  script. It runs with that shell (bash, sh and zsh with ``-e``: any failing
  command fails it; for fish and tcsh, as in their startup files, the last
  status counts, and an ``activate: error`` in the output of a block that
  shows no output fails it),
  stdin from /dev/null, stdout and stderr together, as on a terminal. It must
  exit with status 0: an example of a failure shows it with
  ``|| echo "exit status: $?"``.
- A ``console`` block is an interactive bash session, typed into a real
  ``bash -i`` through a pseudo-terminal: a line ``$ CMD`` or ``(env) $ CMD``
  is a prompt and what is typed at it; the other lines are what the terminal
  shows. The prompts must match too (``(myproject) $`` after ``activate``).
  A last line holding only a prompt is the prompt the session ends at.
- A ``text`` or ``json`` block right after a runnable block (nothing but
  blank lines between) is that block's output, compared after the
  normalisation below. A line ``...`` stands for any number of lines.
- A ``toml`` block is a manifest: ``activate -f FILE --shell S -c true`` must
  succeed in bash, zsh, fish and tcsh, and no shell may skip a ``[profile]``
  section, unless the block is preceded by
  ``<!-- profile not valid in: fish tcsh -->`` (then exactly those do).
- HTML comments right before a block (blank lines may separate them):

  - ``<!-- not run: REASON -->``: the block is not run. Such blocks are
    listed in NOT_RUN below, so that they stay few and deliberate.
  - ``<!-- output of: CODE -->`` before a ``text`` or ``json`` block: the
    block is the output of bash CODE (which the page does not show, e.g.
    the commands that provoke an error message); its exit status is not
    checked, its output is.
  - ``<!-- setup: CODE -->``: bash CODE runs before the block, unseen.
  - ``<!-- needs: CODE -->``: the block runs only where bash CODE succeeds
    (e.g. ``unshare -rm true`` for a read-only mount); elsewhere it is
    skipped with a warning.

  Any other ``text``/``json`` block, and a block in any other language, is an
  error: every block is either checked or listed as not run.

Each page runs in a sandbox of its own, block after block, in order: files
made by one block are there for the next, but each block starts a new shell
in the home folder. The sandbox has

- ``HOME=/home/me`` (really under pytest's tmp_path), whose ``.bashrc``
  sets ``PS1='$ '`` (and a ``PROMPT_COMMAND`` that marks each prompt for
  the console runner); ``XDG_RUNTIME_DIR=/run/user/1000``; ``TMPDIR=/tmp``,
  so ``mktemp -d`` gives ``/tmp/tmp.XXXXXXXXXX``; no ``XDG_CACHE_HOME``;
- ``PATH=/opt/activate/bin:/usr/local/bin:/usr/bin:/bin``, where
  ``/opt/activate/bin/activate`` links to the installed command
  (conftest.ACTIVATE);
- for the pages in WITH_REPOSITORY, a copy of this repository in
  ``~/src/activate``, where the README's blocks start.

Normalisation of output (both the page's and the real one):

- the sandbox's root is removed from paths, so they read ``/home/me/...``,
  ``/run/user/1000/...``, ``/tmp/...``;
- this machine's system (e.g. ``aarch64-linux``) reads ``x86_64-linux``;
- ``/tmp/tmp.<anything>`` (a ``mktemp -d`` folder) reads ``/tmp/tmp.XXX``;
- runs of 12 or more hex digits (hashes, file ids) read ``<hex>``;
- ``2026-11-22T06:00:34Z`` and ``10:42:07`` read ``<time>``;
- process ids after ``pid``, ``"pid":`` and in ``pids`` lists read ``<pid>``;
- activate's version (``activate 0.1.0``) reads ``activate <version>``;
- trailing spaces, carriage returns, and blank lines at either end go.

``python tests/test_docs.py`` prints the inventory: what runs, what does not.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import textwrap
import warnings
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from conftest import ACTIVATE, REPO, shell_path

DOCS = [REPO / "README.md", *sorted((REPO / "docs").glob("*.md"))]

SCRIPT_SHELLS = {
    "bash": ["bash", "-e"],
    "sh": ["sh", "-e"],
    "zsh": ["zsh", "-e"],
    "fish": ["fish"],
    "tcsh": ["tcsh"],
}
RUNNABLE = {*SCRIPT_SHELLS, "console"}
OUTPUT = {"text", "json"}
DIRECTIVES = ("not run", "output of", "setup", "profile not valid in", "needs")
PROFILE_SHELLS = ("bash", "zsh", "fish", "tcsh")
TIMEOUT = 120  # install.sh builds a wheel
# Pages that install activate from a copy of this repository in ~/src/activate.
WITH_REPOSITORY = ("README.md", "docs/getting-started.md", "docs/packages.md")

# Blocks that do not run, by page and reason. A new one must be added here:
# prefer making the example runnable.
NOT_RUN = [
    ("README.md", "runs this whole test suite"),
    ("docs/packages.md", "needs PyPI and conda-forge"),
]


# -- reading the pages ------------------------------------------------------


@dataclass
class Block:
    """One fenced block of a page."""

    page: str
    line: int  # of the opening fence, 1-based
    lang: str
    text: str
    directives: dict[str, str] = field(default_factory=dict)
    after_runnable: Block | None = None  # the runnable block this one directly follows
    output: Block | None = None  # the output block that directly follows this one

    @property
    def where(self) -> str:
        return f"{self.page}:{self.line}"


_FENCE = re.compile(r"^(?P<indent> *)(?P<fence>`{3,}|~{3,})(?P<info>.*)$")
_DIRECTIVE = re.compile(r"^\s*(?P<name>[a-z][a-z ]*[a-z]):(?P<value>.*)$", re.S)


def read_blocks(path: Path) -> list[Block]:
    """The fenced blocks of a markdown page, with the directives before each."""
    page = path.relative_to(REPO).as_posix()
    lines = path.read_text(encoding="utf-8").splitlines()
    blocks: list[Block] = []
    directives: dict[str, str] = {}
    previous: Block | None = None  # the last block, while only blank lines follow it
    i = 0
    while i < len(lines):
        line = lines[i]
        stripped = line.strip()
        if stripped.startswith("<!--"):
            start = i
            while "-->" not in lines[i]:
                i += 1
            comment = "\n".join(lines[start : i + 1]).strip()[4:-3]
            match = _DIRECTIVE.match(comment)
            if match and match["name"] in DIRECTIVES:
                directives[match["name"]] = textwrap.dedent(match["value"]).strip()
            elif match:
                raise ValueError(f"{page}:{start + 1}: unknown directive {match['name']!r}")
            previous = None  # a comment separates a block from the one before
            i += 1
            continue
        fence = _FENCE.match(line)
        if fence is None:
            if stripped:
                directives, previous = {}, None
            i += 1
            continue
        indent, marker = len(fence["indent"]), fence["fence"]
        lang = fence["info"].strip().split(" ")[0] if fence["info"].strip() else ""
        opening = i
        body: list[str] = []
        i += 1
        while i < len(lines) and not (
            lines[i].strip().startswith(marker) and lines[i].strip().strip(marker[0]) == ""
        ):
            body.append(lines[i][indent:] if lines[i][:indent].strip() == "" else lines[i])
            i += 1
        block = Block(page, opening + 1, lang, "\n".join(body) + "\n", directives)
        if previous is not None and previous.lang in RUNNABLE and lang in OUTPUT and not directives:
            block.after_runnable = previous
            previous.output = block
        blocks.append(block)
        directives, previous = {}, block
        i += 1
    return blocks


def classify(block: Block) -> str:
    """What the test does with a block: run, toml, output, hidden-output, not-run."""
    if "not run" in block.directives:
        return "not-run"
    if block.lang in RUNNABLE:
        return "run"
    if block.lang == "toml":
        return "toml"
    if block.lang in OUTPUT and "output of" in block.directives:
        return "hidden-output"
    if block.lang in OUTPUT and block.after_runnable is not None:
        return "not-run-output" if "not run" in block.after_runnable.directives else "output"
    raise AssertionError(
        f"{block.where}: a ```{block.lang} block that is neither run nor checked: "
        "make it the output of the block before it, or precede it with "
        "<!-- output of: CODE --> or <!-- not run: REASON -->"
    )


# -- the sandbox ------------------------------------------------------------


class PageSandbox:
    """An isolated user for one page: HOME, state folders, the activate command."""

    def __init__(self, root: Path, page: str) -> None:
        self.root = root
        self.home = root / "home" / "me"
        runtime = root / "run" / "user" / "1000"
        bindir = root / "opt" / "activate" / "bin"
        for d in (self.home, root / "tmp", bindir, root / "blocks"):
            d.mkdir(parents=True)
        runtime.mkdir(parents=True, mode=0o700)
        (bindir / "activate").symlink_to(ACTIVATE)
        (self.home / ".bashrc").write_text("PS1='$ '\nPROMPT_COMMAND='printf \"\\037\"'\n")
        (self.home / ".inputrc").write_text("set enable-bracketed-paste off\n")
        self.env = {
            "HOME": str(self.home),
            "USER": "me",
            "LOGNAME": "me",
            "PATH": f"{bindir}:/usr/local/bin:/usr/bin:/bin",
            "LANG": "C.UTF-8",
            "LC_ALL": "C.UTF-8",
            "TERM": "dumb",
            "SHELL": "/bin/bash",
            "XDG_RUNTIME_DIR": str(runtime),
            "TMPDIR": str(root / "tmp"),
        }
        self.start = self.home
        if page in WITH_REPOSITORY:
            shutil.copytree(
                REPO,
                self.home / "src" / "activate",
                symlinks=True,
                ignore=shutil.ignore_patterns(
                    ".git", "venv", "build", "*.egg-info", "__pycache__", ".*_cache", ".hypothesis"
                ),
            )
        if page == "README.md":
            self.start = self.home / "src" / "activate"
        self.count = 0

    def script(self, lang: str, code: str) -> tuple[int, str]:
        """Run `code` as a script of shell `lang`; its status and its output."""
        self.count += 1
        path = self.root / "blocks" / f"{self.count:03d}.{lang}"
        path.write_text(code)
        done = subprocess.run(
            [*SCRIPT_SHELLS[lang], str(path)],
            cwd=self.start,
            env=self.env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            timeout=TIMEOUT,
        )
        return done.returncode, done.stdout.decode("utf-8", "replace")

    def console(self, transcript: str) -> str:
        """Type the commands of a console transcript into `bash -i`; the transcript
        as it really went."""
        import pexpect

        steps = parse_console(transcript)
        prompt = re.compile(r"\x1f((?:\([^)\r\n]*\) )?\$ )")
        child = pexpect.spawn(
            "bash",
            ["-i"],
            env=self.env,
            cwd=str(self.start),
            encoding="utf-8",
            codec_errors="replace",
            dimensions=(40, 2000),
            timeout=60,
        )
        out: list[str] = []
        try:
            child.expect(prompt)
            shown = child.match.group(1)
            for command, _ in steps:
                if command is None:  # the prompt the session ends at
                    out.append(shown.rstrip())
                    break
                out.append(shown + command)
                child.sendline(command)
                child.expect(prompt)
                text = child.before.replace("\r\n", "\n").replace("\r", "")
                echo, _, rest = text.partition("\n")
                if echo != command:
                    rest = text
                out += rest.splitlines()
                shown = child.match.group(1)
        finally:
            child.close(force=True)
        return "\n".join(out) + "\n"


def parse_console(transcript: str) -> list[tuple[str | None, list[str]]]:
    """(command, expected output lines) for each prompt line; a last line with
    only a prompt gives (None, [])."""
    steps: list[tuple[str | None, list[str]]] = []
    for line in transcript.splitlines():
        match = re.match(r"^(\([^)]*\) )?\$( |$)(?P<cmd>.*)$", line)
        if match:
            steps.append((match["cmd"] if match["cmd"] or match.group(2) else None, []))
        elif not steps:
            raise AssertionError(f"a console block must start with a prompt: {line!r}")
        else:
            steps[-1][1].append(line)
    if steps and steps[-1][0] == "":
        steps[-1] = (None, [])
    return steps


# -- normalising and comparing ------------------------------------------------


def _system() -> str:
    u = os.uname()
    arch = {"arm64": "aarch64", "amd64": "x86_64"}.get(u.machine.lower(), u.machine.lower())
    return f"{arch}-{'darwin' if u.sysname == 'Darwin' else u.sysname.lower()}"


_RULES: list[tuple[re.Pattern[str], str | Callable[[re.Match[str]], str]]] = [
    (re.compile(r"(?<=\bactivate )\d+\.\d+\.\d+[^\s)]*(?=\)|$)", re.M), "<version>"),
    (re.compile(r"/tmp/tmp\.[A-Za-z0-9]+"), "/tmp/tmp.XXX"),
    (re.compile(r"\b[0-9a-f]{12,64}\b"), "<hex>"),
    (re.compile(r"\b\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ"), "<time>"),
    (re.compile(r"\b\d\d:\d\d:\d\d\b"), "<time>"),
    (re.compile(r"(?<=\bpid )\d+|(?<=\"pid\": )\d+"), "<pid>"),
    # `pids 4242 bash, 4243 sleep` in `activate status`
    (
        re.compile(r"(?<=pids )\d+ [^,\n]*(?:, \d+ [^,\n]*)*"),
        lambda m: re.sub(r"\b\d+(?= )", "<pid>", m.group(0)),
    ),
]


def normalise(text: str, root: Path | None = None) -> list[str]:
    """The lines of `text` with the placeholders of the module docstring."""
    if root is not None:
        text = text.replace(str(root), "")
    text = text.replace(_system(), "x86_64-linux").replace("\r", "")
    for pattern, replacement in _RULES:
        text = pattern.sub(replacement, text)
    lines = [line.rstrip() for line in text.split("\n")]
    while lines and not lines[0]:
        lines.pop(0)
    while lines and not lines[-1]:
        lines.pop()
    return lines


def matches(expected: list[str], actual: list[str]) -> bool:
    """`actual` equals `expected`, where a line `...` is any number of lines."""
    pattern = "".join(
        r"(?:[^\n]*\n)*?" if line == "..." else re.escape(line) + r"\n" for line in expected
    )
    return re.fullmatch(pattern, "".join(line + "\n" for line in actual)) is not None


def difference(expected: list[str], actual: list[str]) -> str:
    import difflib

    return "\n".join(
        difflib.unified_diff(expected, actual, "the page", "the real output", lineterm="")
    )


# -- running a page -----------------------------------------------------------


def run_page(page: Path, root: Path) -> tuple[list[str], int]:
    """Run every block of `page`; the problems found and the number of checks."""
    box = PageSandbox(root, page.relative_to(REPO).as_posix())
    problems: list[str] = []
    checked = 0
    for block in read_blocks(page):
        kind = classify(block)
        if kind in ("not-run", "not-run-output", "output"):
            continue  # an output block is checked with the block before it
        checked += 1
        if "needs" in block.directives:
            status, _ = box.script("bash", block.directives["needs"] + "\n")
            if status != 0:
                warnings.warn(
                    f"{block.where}: not run here: needs {block.directives['needs']}", stacklevel=2
                )
                continue
        if "setup" in block.directives:
            status, text = box.script("bash", block.directives["setup"] + "\n")
            if status != 0:
                problems.append(f"{block.where}: the setup failed ({status}):\n{text}")
                continue
        if kind == "toml":
            problems += check_manifest(box, block)
        elif kind == "hidden-output":
            _, text = box.script("bash", block.directives["output of"] + "\n")
            problems += compare(block, 0, text, block, box.root)  # errors are often the point
        elif block.lang == "console":
            actual = box.console(block.text)
            expected = normalise(block.text)
            got = normalise(actual, box.root)
            if not matches(expected, got):
                problems.append(
                    f"{block.where}: the session went differently:\n{difference(expected, got)}"
                )
        else:
            status, text = box.script(block.lang, block.text)
            problems += compare(block, status, text, block.output, box.root)
    return problems, checked


def compare(block: Block, status: int, text: str, output: Block | None, root: Path) -> list[str]:
    """Problems with a script's status and output."""
    if status != 0:
        return [f"{block.where}: exited with status {status}; its output:\n{text}"]
    if output is None:
        bad = [
            line
            for line in text.splitlines()
            if line.startswith(("activate: error", "fish: "))
            or "command not found" in line.lower()
            or "undefined variable" in line.lower()
        ]
        if bad:
            return [f"{block.where}: reported an error:\n{text}"]
        return []
    expected = normalise(output.text)
    actual = normalise(text, root)
    if not matches(expected, actual):
        return [
            f"{block.where}: the output differs from {output.where}:\n"
            f"{difference(expected, actual)}"
        ]
    return []


def check_manifest(box: PageSandbox, block: Block) -> list[str]:
    """A manifest block activates in every shell, each sourcing its [profile]."""
    folder = box.root / "manifests" / f"line-{block.line}"
    folder.mkdir(parents=True)
    path = folder / "example.toml"
    path.write_text(block.text)
    expected_skips = set(block.directives.get("profile not valid in", "").split())
    runs = {
        shell: subprocess.Popen(
            [ACTIVATE, "-f", str(path), "--shell", shell, "-c", "true"],
            cwd=folder,
            env=box.env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
        )
        for shell in PROFILE_SHELLS
    }
    problems = []
    for shell, proc in runs.items():
        out = proc.communicate(timeout=TIMEOUT)[0].decode("utf-8", "replace")
        if proc.returncode != 0:
            problems.append(f"{block.where}: does not activate in {shell}:\n{out}")
        elif ("is not valid" in out) != (shell in expected_skips):
            problems.append(
                f"{block.where}: {shell} {'skips' if 'is not valid' in out else 'does not skip'} "
                f"a [profile] section (expected: {sorted(expected_skips) or 'none'}):\n{out}"
            )
    return problems


# -- the tests ------------------------------------------------------------------


@pytest.mark.parametrize("page", DOCS, ids=[p.relative_to(REPO).as_posix() for p in DOCS])
def test_every_example_runs_and_shows_what_the_page_says(page: Path, tmp_path: Path) -> None:
    for program in (*PROFILE_SHELLS, "dash"):
        shell_path(program)  # a skip, or in CI a failure, when one is missing
    problems, checked = run_page(page, tmp_path / "r")
    assert not problems, f"{len(problems)} of {checked} examples failed:\n\n" + "\n\n".join(
        problems
    )


def test_the_examples_that_do_not_run_are_the_listed_ones() -> None:
    found = [
        (block.page, block.directives["not run"])
        for page in DOCS
        for block in read_blocks(page)
        if "not run" in block.directives
    ]
    assert sorted(found) == sorted(NOT_RUN)


def test_every_block_is_run_or_checked() -> None:
    for page in DOCS:
        for block in read_blocks(page):
            classify(block)  # raises for a block nobody checks


def test_the_console_transcript_parser() -> None:
    steps = parse_console("$ activate\nhook ran\n(demo) $ exit\nexit\n$\n")
    assert steps == [("activate", ["hook ran"]), ("exit", ["exit"]), (None, [])]


def test_normalise_and_match() -> None:
    root = Path("/tmp/pytest-of-me/r")
    real = "/tmp/pytest-of-me/r/tmp/tmp.AbC123xyz0/a.toml at 10:42:07 (pid 4242)  \n\n"
    assert normalise(real, root) == ["/tmp/tmp.XXX/a.toml at <time> (pid <pid>)"]
    status = "  dev: ready, started 2026-11-22T06:00:34Z, pids 41 bash, 4243 sleep (manifest changed since)"
    assert normalise(status) == [
        "  dev: ready, started <time>, pids <pid> bash, <pid> sleep (manifest changed since)"
    ]
    assert normalise("line 2, column 8") == ["line 2, column 8"]
    assert normalise("activate 0.1.0\n(activate 1.2.3rc1)") == [
        "activate <version>",
        "(activate <version>)",
    ]
    assert matches(["a", "...", "d"], ["a", "b", "c", "d"])
    assert matches(["a", "...", "b"], ["a", "b"])
    assert not matches(["a", "b"], ["a", "c"])


_LINK = re.compile(r"\]\((?P<target>[^)\s#]*)(?:#(?P<anchor>[^)\s]*))?\)")


def _anchors(path: Path) -> set[str]:
    """GitHub's anchors for the headings of a page."""
    out = set()
    in_code = False
    for line in path.read_text(encoding="utf-8").splitlines():
        if _FENCE.match(line):
            in_code = not in_code
        if in_code or not line.startswith("#"):
            continue
        title = line.lstrip("#").strip().lower()
        slug = re.sub(r"[^\w\- ]", "", title).replace(" ", "-")
        out.add(slug)
    return out


def test_links_between_pages_lead_somewhere() -> None:
    broken = []
    for page in DOCS:
        for match in _LINK.finditer(page.read_text(encoding="utf-8")):
            target, anchor = match["target"], match["anchor"]
            if target.startswith(("http://", "https://", "mailto:")):
                continue
            dest = (page.parent / target).resolve() if target else page
            if not dest.exists():
                broken.append(f"{page.name}: {match.group(0)}")
            elif anchor and dest.suffix == ".md" and anchor not in _anchors(dest):
                broken.append(f"{page.name}: {match.group(0)} (no such heading)")
    assert not broken, "\n".join(broken)


def inventory() -> str:
    """What runs and what does not, page by page."""
    lines = []
    totals: dict[str, int] = {}
    for page in DOCS:
        kinds: dict[str, int] = {}
        skipped = []
        for block in read_blocks(page):
            kind = classify(block)
            kinds[kind] = kinds.get(kind, 0) + 1
            totals[kind] = totals.get(kind, 0) + 1
            if kind == "not-run":
                skipped.append(f"  not run: {block.where}: {block.directives['not run']}")
        summary = ", ".join(f"{n} {k}" for k, n in sorted(kinds.items()))
        lines += [f"{page.relative_to(REPO)}: {summary}", *skipped]
    lines.append("total: " + ", ".join(f"{n} {k}" for k, n in sorted(totals.items())))
    return "\n".join(lines)


if __name__ == "__main__":
    print(inventory())
