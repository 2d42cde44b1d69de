"""py-rattler's work for the conda backend, in a process of its own.

Run as `python -I rattler_child.py` (by path: isolated, and with nothing of
activate's own on sys.path, whose `uv.py` would shadow the uv package) with
JSON requests on stdin, one per line (the same process solves, then
installs: starting Python and importing rattler is most of a small build):

    {"op": "solve", "channels": [url, ...], "specs": [...], "platform": "linux-64",
     "repodata_cache": dir, "result": file}
    {"op": "install", "records": [lock entry with "url", ...], "target": tmp,
     "final": final, "package_cache": dir, "platform": "linux-64", "result": file}

For each it prints one line per step on stdout (the parent shows them as
progress), writes the result to `result` as JSON, atomically, ending with
`"complete": true`, then prints the line DONE. At the end of its input it
leaves with `os._exit(0)`. py-rattler can crash
while the interpreter shuts down after a solve (FIELD-NOTES: a PyO3 async
runtime issue), so the parent trusts that file, never the exit status.

Only the standard library and rattler are imported: this file is never
imported by activate itself.
"""

from __future__ import annotations

import asyncio
import json
import os
import sys

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any


class SpecError(Exception):
    """A match spec rattler cannot read: its index among the specs."""

    def __init__(self, index: int, message: str) -> None:
        super().__init__(message)
        self.index = index
        self.message = message


DONE = "\x00done"  # ends the output of one request (never a progress line)


def main() -> None:
    """Do each request, write its result; leave without finalizing."""
    _die_with_parent()
    for line in sys.stdin:
        if line.strip():
            _handle(line)
            sys.stdout.write(DONE + "\n")
            sys.stdout.flush()
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(0)  # never finalize: py-rattler may crash there (the results are written)


def _handle(line: str) -> None:
    """Do one request and write its result file."""
    result: dict[str, object]
    request: dict[str, Any] = {}
    try:
        request = json.loads(line)
        try:
            import rattler  # noqa: F401
        except ImportError as e:
            result = {"ok": False, "error": "missing", "message": str(e)}
        else:
            if request["op"] == "solve":
                result = {"ok": True, "records": asyncio.run(_solve(request))}
            elif request["op"] == "install":
                asyncio.run(_install(request))
                result = {"ok": True}
            else:
                result = {"ok": False, "error": "usage", "message": f"unknown op {request['op']!r}"}
    except SpecError as e:
        result = {"ok": False, "error": "spec", "index": e.index, "message": e.message}
    except Exception as e:  # every failure is reported through the result file
        result = {"ok": False, "error": type(e).__name__, "message": str(e)}
    if "result" in request:
        _write(str(request["result"]), {**result, "complete": True})


def _die_with_parent() -> None:
    """On Linux, be killed when activate dies (kill -9 included): an orphaned
    install would go on writing into a build folder the next builder removes."""
    if not sys.platform.startswith("linux"):
        return
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, 9)  # PR_SET_PDEATHSIG, SIGKILL
    except (OSError, AttributeError):
        return
    if os.getppid() == 1:  # the parent died before prctl: nobody waits for us
        os._exit(1)


def _say(step: str) -> None:
    sys.stdout.write(step.replace("\n", " ") + "\n")
    sys.stdout.flush()


async def _solve(request: dict[str, Any]) -> list[dict[str, object]]:
    """Solve the specs for the platform and noarch; the records as plain data."""
    import rattler

    specs = []
    for index, text in enumerate(request["specs"]):
        try:
            specs.append(
                rattler.MatchSpec(text, strict=False)
            )  # conda's reading: `jq 1.7` is ==1.7
        except Exception as e:
            raise SpecError(index, str(e)) from None
    gateway = rattler.Gateway(cache_dir=request["repodata_cache"])
    virtual = rattler.VirtualPackage.detect(
        rattler.VirtualPackageOverrides.from_env(),  # CONDA_OVERRIDE_CUDA etc., as conda reads them
        cache_dir=request["repodata_cache"],
    )
    records = await rattler.solve(
        list(request["channels"]),
        specs,
        gateway=gateway,
        platforms=[request["platform"], "noarch"],
        virtual_packages=virtual,
    )
    out: list[dict[str, object]] = []
    for record in records:
        data = json.loads(record.to_json())
        data["url"] = record.url
        data["channel"] = record.channel
        data["fn"] = record.file_name
        out.append(data)
    return out


def _record(entry: dict[str, Any]) -> Any:
    """A RepoDataRecord from a lock entry (the URL made absolute by the parent)."""
    from urllib.parse import unquote

    import rattler

    def digest(name: str) -> bytes | None:
        value = entry.get(name)
        return bytes.fromhex(value) if isinstance(value, str) and value else None

    package = rattler.PackageRecord(
        name=entry["name"],
        version=entry["version"],
        build=rattler.BuildString(entry["build"]),
        build_number=int(entry.get("build_number") or 0),
        subdir=entry["subdir"],
        noarch=entry.get("noarch"),
        depends=list(entry.get("depends") or []),
        constrains=list(entry.get("constrains") or []),
        sha256=digest("sha256"),
        md5=digest("md5"),
        size=entry.get("size"),
        python_site_packages_path=entry.get("python_site_packages_path"),
    )
    url = str(entry["url"])
    folder, _, file_name = url.rpartition("/")
    channel = folder.rpartition("/")[0] + "/"  # the URL less /<subdir>/<file>
    return rattler.RepoDataRecord(package, unquote(file_name), url, channel)


async def _install(request: dict[str, Any]) -> None:
    """Link exactly the given records into `target`, patched for `final`."""
    import rattler

    records = [_record(entry) for entry in request["records"]]
    names: dict[int, str] = {}

    class Reporter(rattler.InstallerReporter):
        """rattler's install callbacks, as progress lines."""

        def on_transaction_start(self, total_operations: int) -> None:
            _say(f"linking {len(records)} conda package(s)")

        def on_populate_cache_start(self, operation: int, package_name: str) -> int:
            names[operation] = package_name
            return operation

        def on_download_start(self, cache_entry: int) -> int:
            _say(f"downloading {names.get(cache_entry, 'a package')} (conda)")
            return cache_entry

    await rattler.install(
        records,
        target_prefix=request["target"],
        cache_dir=request["package_cache"],
        alternative_target_prefix=request["final"],
        platform=rattler.Subdir(request["platform"]),
        execute_link_scripts=False,  # like pixi: package scripts do not run at install
        show_progress=False,
        reporter=Reporter(),  # type: ignore[abstract]  # the protocol's no-op defaults look abstract to mypy
    )


def _write(path: str, data: dict[str, object]) -> None:
    tmp = f"{path}.tmp"
    with open(tmp, "w", encoding="utf-8") as f:
        json.dump(data, f)
    os.replace(tmp, path)


if __name__ == "__main__":
    main()
