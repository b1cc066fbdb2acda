"""Print pyproject.toml's requirements, one a line, for `pip install -r -`.

pip can install a dependency group (`--group dev`) but not a project's own
dependencies without building the project, so read them from the file.
"""

import argparse
import tomllib
from pathlib import Path

PYPROJECT = Path(__file__).resolve().parent.parent / "pyproject.toml"


def requirements(groups: list[str]) -> list[str]:
    data = tomllib.loads(PYPROJECT.read_text(encoding="utf-8"))
    found = list(data["project"]["dependencies"])
    for group in groups:
        found += data["dependency-groups"][group]
    return found


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--group", action="append", default=[], help="add a group")
    args = parser.parse_args()
    print("\n".join(requirements(args.group)))
