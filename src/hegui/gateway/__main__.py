"""``python -m hegui.gateway [--config hegui.yaml] [--host H] [--port P]``."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from hegui.errors import HeguiError
from hegui.gateway.server import serve


def main(argv: list[str] | None = None) -> None:
    """Serve the gateway; a configuration error exits with status 2."""
    parser = argparse.ArgumentParser(prog="python -m hegui.gateway")
    parser.add_argument("--config", "-c", type=Path, default=None)
    parser.add_argument("--host", default=None)
    parser.add_argument("--port", type=int, default=None)
    parser.add_argument("--log-level", default="warning")
    args = parser.parse_args(argv)
    try:
        serve(args.config, host=args.host, port=args.port, log_level=args.log_level)
    except HeguiError as exc:
        print(f"error: {exc}", file=sys.stderr)
        raise SystemExit(2) from None


if __name__ == "__main__":
    main()
