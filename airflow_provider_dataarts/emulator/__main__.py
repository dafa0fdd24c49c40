"""``python -m airflow_provider_dataarts.emulator``: serve the emulator until SIGINT/SIGTERM (exit 0)."""

from __future__ import annotations

import argparse
import asyncio
import signal
import sys

from airflow_provider_dataarts.emulator.scenario import ScenarioError
from airflow_provider_dataarts.emulator.server import HOST, start_site, tls_context
from airflow_provider_dataarts.emulator.state import EmulatorState


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    """The command line."""
    parser = argparse.ArgumentParser(
        prog="python -m airflow_provider_dataarts.emulator",
        description="Local emulator of Huawei Cloud DataArts Factory/Quality, ModelArts and IAM (127.0.0.1 only).",
    )
    parser.add_argument("--port", type=int, default=0, help="port to listen on (0: any free port; default 0)")
    parser.add_argument(
        "--scenario",
        help="a bundled scenario (default, examples, pipeline_failure) or a file (JSON, or YAML with PyYAML)",
    )
    parser.add_argument("--speed", type=float, default=None, help="virtual clock speed (default: the scenario's)")
    parser.add_argument("--certfile", help="TLS certificate (PEM): serve https")
    parser.add_argument("--keyfile", help="TLS private key (PEM), if not inside --certfile")
    return parser.parse_args(argv)


async def serve(args: argparse.Namespace) -> None:
    """Start, print the URL line, and wait for a stop signal."""
    state = EmulatorState(args.scenario, args.speed)
    context = tls_context(args.certfile, args.keyfile)
    runner, port = await start_site(state, args.port, context)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stop.set)
    scheme = "https" if context else "http"
    print(f"DataArts emulator listening on {scheme}://{HOST}:{port}", flush=True)
    try:
        await stop.wait()
    finally:
        await runner.cleanup()


def main(argv: list[str] | None = None) -> int:
    """Entry point; returns the exit code."""
    args = parse_args(argv)
    try:
        asyncio.run(serve(args))
    except ScenarioError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    except OSError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:  # a second Ctrl-C during shutdown
        return 0
    return 0


if __name__ == "__main__":
    sys.exit(main())
