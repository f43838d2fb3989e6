"""Check that requirements.lock installs on every supported Python: for each version, the pins its markers
select must all have a binary wheel (or a pure-Python one) on the package registry for CPython on Linux.

Run by `make test` (it asks the registry, as the install step does). Exit 1 names what is missing.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path

from packaging.requirements import Requirement

ROOT = Path(__file__).resolve().parent.parent
SUPPORTED = ("3.10", "3.11", "3.12", "3.13")
PLATFORMS = ("manylinux2014_x86_64", "manylinux_2_17_x86_64", "manylinux_2_28_x86_64", "any")


def pins_for(version: str) -> list[str]:
    """The lock's lines whose markers hold on CPython `version` on Linux."""
    environment = {
        "python_version": version,
        "python_full_version": f"{version}.0",
        "implementation_name": "cpython",
        "platform_python_implementation": "CPython",
        "sys_platform": "linux",
        "platform_system": "Linux",
    }
    chosen = []
    for raw in (ROOT / "requirements.lock").read_text().splitlines():
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        requirement = Requirement(line)
        if requirement.marker is None or requirement.marker.evaluate(environment):
            chosen.append(f"{requirement.name}{requirement.specifier}")
    return chosen


def main() -> int:
    failed = []
    for version in SUPPORTED:
        pins = pins_for(version)
        with tempfile.TemporaryDirectory() as folder:
            listing = Path(folder) / "pins.txt"
            listing.write_text("\n".join(pins) + "\n")
            command = [
                sys.executable,
                "-m",
                "pip",
                "download",
                "--quiet",
                "--no-deps",
                "--only-binary=:all:",
                "--python-version",
                version,
                "--implementation",
                "cp",
                "-d",
                folder,
                "-r",
                str(listing),
            ]
            for platform in PLATFORMS:
                command += ["--platform", platform]
            done = subprocess.run(command, capture_output=True, text=True, check=False)
        status = "ok" if done.returncode == 0 else "MISSING"
        print(f"lock on Python {version}: {len(pins)} pins, {status}")
        if done.returncode != 0:
            failed.append(version)
            print("\n".join(line for line in done.stderr.splitlines() if line.startswith("ERROR")), file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
