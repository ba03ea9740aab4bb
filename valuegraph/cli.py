"""The ``valuegraph`` command line (subcommands are added by the viz issue)."""

from __future__ import annotations

import argparse
import sys

from . import __version__


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="valuegraph", description="Watch backpropagation: draw, step through and train.")
    parser.add_argument("--version", action="version", version=f"valuegraph {__version__}")
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    parser.parse_args(argv)
    parser.print_help()
    return 0


if __name__ == "__main__":
    sys.exit(main())
