"""Print pyproject.toml's requirements, one a line, for `pip install -r -`.

pip can install a dependency group (`--group dev`) but not a project's own
dependencies without building the project, so read them from the file.
"""

import argparse
import re
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYPROJECT = ROOT / "pyproject.toml"
LOCK = ROOT / "constraints.txt"


def requirements(groups: list[str]) -> list[str]:
    data = tomllib.loads(PYPROJECT.read_text(encoding="utf-8"))
    found = list(data["project"]["dependencies"])
    for group in groups:
        found += data["dependency-groups"][group]
    return found


def name(requirement: str) -> str:
    """Return a requirement's project name, normalised as PEP 503 says."""
    match = re.match(r"\s*([A-Za-z0-9][A-Za-z0-9._-]*)", requirement)
    assert match, f"cannot read a name in {requirement!r}"
    return re.sub(r"[-_.]+", "-", match.group(1)).lower()


def unlocked(groups: list[str]) -> list[str]:
    """Return the requirements that constraints.txt does not pin."""
    lines = LOCK.read_text(encoding="utf-8").splitlines()
    pinned = {name(line) for line in lines if "==" in line}
    return [r for r in requirements(groups) if name(r) not in pinned]


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--group", action="append", default=[], help="add a group")
    parser.add_argument(
        "--check-lock", action="store_true", help="fail if a requirement is unpinned"
    )
    args = parser.parse_args()
    if not args.check_lock:
        print("\n".join(requirements(args.group)))
    elif missing := unlocked(args.group):
        sys.exit(f"constraints.txt does not pin {', '.join(missing)}: run `make lock`")
