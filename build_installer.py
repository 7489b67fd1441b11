#!/usr/bin/env python3
"""Build the installable Massage Timer app (PyInstaller bundle per operating system).

Not available yet: this script exits with status 2 until the installer is built.
"""

import sys


def main() -> int:
    print(
        "build_installer.py: building the installer is not available yet; "
        "install from source with: python3 -m venv .venv && .venv/bin/pip install .",
        file=sys.stderr,
    )
    return 2


if __name__ == "__main__":
    sys.exit(main())
