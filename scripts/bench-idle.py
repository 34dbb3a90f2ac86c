#!/usr/bin/env python3
"""Figures, not assertions: how many idle keep-alive connections the web server holds.

Usage: bench-idle.py --host IP [--port 80] [--host-header localhost] [--connections 10000]
                     [--hold 20] [--path /static/admin/css/base.css] [--open-rate 2000]
                     [--timeout 120] [--memory-command CMD] [--json FILE]

Opens the connections (at most --open-rate a second), sends one keep-alive GET of a static
file on each and reads the whole response, leaves them all idle for --hold seconds, then
sends a second GET on each: a connection that answers it was held, one closed or reset by
the server was dropped. --memory-command (its stdout: numbers of KiB, summed, e.g.
`docker exec NAME ps -o rss= -C nginx`) is run before the first connection and once all
are open; the growth is reported. Prints one line; --json FILE also writes the counts.
Run by scripts/bench.sh against its own container. The target must be a loopback or
private address, and the run is bounded in count (--connections) and time (--timeout).
"""

from __future__ import annotations

import argparse
import asyncio
import collections
import ipaddress
import json
import pathlib
import resource
import sys
import time

MAX_CONNECTIONS = 20000  # the client's ephemeral ports to one address (about 28,000 by default) bound it anyway
MAX_OPEN_RATE = 5000
MAX_TIMEOUT = 600
STEP_TIMEOUT = 10  # seconds for one connect, or one response: a server out of slots leaves requests unanswered
GOAL_GROWTH_MIB = 25


class Dropped(Exception):
    """The server closed or reset the connection, or broke the HTTP framing."""


def arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", required=True, help="IP address of the server (loopback or private)")
    parser.add_argument("--port", type=int, default=80)
    parser.add_argument("--host-header", default="localhost", help="Host header: one of the site's server_names")
    parser.add_argument("--connections", type=int, default=10000)
    parser.add_argument("--hold", type=float, default=20, help="seconds every connection stays idle")
    parser.add_argument("--path", default="/static/admin/css/base.css", help="a static file, so that Django is not involved")
    parser.add_argument("--open-rate", type=int, default=2000, help="new connections a second, at most")
    parser.add_argument("--timeout", type=float, default=120, help="seconds the whole run may take")
    parser.add_argument("--memory-command", help="shell command whose stdout is KiB (numbers are summed)")
    parser.add_argument("--json", type=pathlib.Path, help="also write the counts to this file")
    args = parser.parse_args()
    try:
        address = ipaddress.ip_address(args.host)
    except ValueError:
        parser.error(f"--host must be an IP address, got {args.host!r}")
    # Thousands of connections are a load test: only on this machine or its containers.
    if not (address.is_loopback or address.is_private):
        parser.error(f"--host must be a loopback or private address, got {args.host}")
    if not 1 <= args.connections <= MAX_CONNECTIONS:
        parser.error(f"--connections must be from 1 to {MAX_CONNECTIONS}")
    if not 1 <= args.open_rate <= MAX_OPEN_RATE:
        parser.error(f"--open-rate must be from 1 to {MAX_OPEN_RATE}")
    if not 0 < args.timeout <= MAX_TIMEOUT:
        parser.error(f"--timeout must be from 1 to {MAX_TIMEOUT} seconds")
    needed = args.connections / args.open_rate + args.hold + 3 * STEP_TIMEOUT
    if needed > args.timeout:
        parser.error(f"--timeout {args.timeout:g} s is shorter than the run may need ({needed:.0f} s)")
    return args


def raise_nofile(connections: int) -> None:
    """One descriptor per connection, and some to spare for the rest of the process."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if hard != resource.RLIM_INFINITY and hard < connections + 100:
        sys.exit(f"error: the open-files hard limit is {hard}; {connections} connections need {connections + 100} (raise `ulimit -Hn`)")
    if soft != hard:
        resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))


async def memory_kib(command: str | None) -> float | None:
    if not command:
        return None
    process = await asyncio.create_subprocess_shell(command, stdout=asyncio.subprocess.PIPE)
    out, _ = await asyncio.wait_for(process.communicate(), STEP_TIMEOUT)
    if process.returncode:
        raise RuntimeError(f"--memory-command exited with {process.returncode}")
    return sum(float(word) for word in out.split())


async def response(reader: asyncio.StreamReader) -> int:
    """Read one whole response (Content-Length or chunked); its status code."""
    try:
        status_line, *header_lines = (await reader.readuntil(b"\r\n\r\n")).decode("latin-1").split("\r\n")
        headers = {name.strip().lower(): value.strip() for name, _, value in (line.partition(":") for line in header_lines)}
        if "content-length" in headers:
            await reader.readexactly(int(headers["content-length"]))
        elif headers.get("transfer-encoding") == "chunked":
            while size := int((await reader.readuntil(b"\r\n")).split(b";")[0], 16):
                await reader.readexactly(size + 2)
            await reader.readuntil(b"\r\n")
        # Otherwise no body (204, 304), or one delimited by the close: the second GET tells.
        return int(status_line.split()[1])
    except asyncio.IncompleteReadError as error:
        raise Dropped("closed") from error
    except (ValueError, IndexError, asyncio.LimitOverrunError) as error:
        raise Dropped("malformed response") from error


class Bench:
    def __init__(self, args: argparse.Namespace) -> None:
        self.args = args
        self.request = (f"GET {args.path} HTTP/1.1\r\nHost: {args.host_header}\r\nConnection: keep-alive\r\n\r\n").encode()
        self.counts = collections.Counter()
        self.statuses = collections.Counter()
        self.reasons = collections.Counter()  # why connections were lost, for the JSON
        self.open: list[tuple[asyncio.StreamReader, asyncio.StreamWriter]] = []

    async def exchange(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> int:
        writer.write(self.request)
        await writer.drain()
        return await asyncio.wait_for(response(reader), STEP_TIMEOUT)

    async def open_one(self, index: int, start: float) -> None:
        await asyncio.sleep(max(0.0, start + index / self.args.open_rate - time.monotonic()))
        try:
            reader, writer = await asyncio.wait_for(asyncio.open_connection(self.args.host, self.args.port), STEP_TIMEOUT)
        except (OSError, TimeoutError) as error:
            self.counts["failed"] += 1
            self.reasons["connect: " + (type(error).__name__)] += 1
            return
        self.counts["opened"] += 1
        try:
            self.statuses[await self.exchange(reader, writer)] += 1
        except (OSError, Dropped, TimeoutError) as error:
            # Unanswered in time: a server out of descriptors leaves it in its listen queue.
            self.counts["unanswered" if isinstance(error, TimeoutError) else "dropped"] += 1
            self.reasons["first GET: " + type(error).__name__] += 1
            writer.close()
            return
        self.counts["answered"] += 1
        self.open.append((reader, writer))

    async def check_one(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            await self.exchange(reader, writer)
            self.counts["held"] += 1
        except (OSError, Dropped, TimeoutError) as error:
            self.counts["dropped"] += 1
            self.reasons["after hold: " + type(error).__name__] += 1
        finally:
            writer.close()

    async def run(self) -> dict:
        args = self.args
        before = await memory_kib(args.memory_command)
        start = time.monotonic()
        await asyncio.gather(*(self.open_one(index, start) for index in range(args.connections)))
        open_seconds = time.monotonic() - start
        held_kib = await memory_kib(args.memory_command)
        await asyncio.sleep(args.hold)
        await asyncio.gather(*(self.check_one(reader, writer) for reader, writer in self.open))
        growth = None if before is None or held_kib is None else (held_kib - before) / 1024
        return {
            "connections": args.connections,
            **{key: self.counts[key] for key in ("opened", "answered", "held", "dropped", "unanswered", "failed")},
            "hold_seconds": args.hold,
            "open_seconds": round(open_seconds, 1),
            "elapsed_seconds": round(time.monotonic() - start, 1),
            "memory_before_kib": before,
            "memory_held_kib": held_kib,
            "memory_growth_mib": None if growth is None else round(growth, 1),
            "statuses": {str(code): count for code, count in sorted(self.statuses.items())},
            "lost_because": dict(self.reasons.most_common()),
        }


def summary(result: dict, target: str) -> str:
    lost = result["connections"] - result["held"]
    growth = result["memory_growth_mib"]
    memory = "memory not measured" if growth is None else f"memory {growth:+.1f} MiB"
    if lost:
        goal = "not met"
    elif growth is None:
        goal = "memory unknown"
    else:
        goal = "met" if growth <= GOAL_GROWTH_MIB else "not met"
    return (
        f"{result['held']} of {result['connections']} held {result['hold_seconds']:g} s idle"
        f" ({result['answered']} answered, {result['dropped']} dropped, {result['unanswered']} unanswered,"
        f" {result['failed']} failed to connect; opened in {result['open_seconds']:.1f} s, {result['elapsed_seconds']:.0f} s in all"
        f" against {target}), {memory}; goal: 0 dropped, <= {GOAL_GROWTH_MIB} MiB growth: {goal}"
    )


async def main() -> None:
    args = arguments()
    raise_nofile(args.connections)
    bench = Bench(args)
    try:
        async with asyncio.timeout(args.timeout):
            result = await bench.run()
    except (RuntimeError, ValueError) as error:  # from --memory-command
        sys.exit(f"error: {error}")
    except TimeoutError:
        sys.exit(f"error: not done within --timeout {args.timeout:g} s; counts so far: {dict(bench.counts)}")
    finally:
        for _, writer in bench.open:
            writer.transport.abort()
    print(summary(result, f"{args.host}:{args.port}{args.path}"))
    if args.json:
        args.json.write_text(json.dumps(result, indent=2) + "\n")


if __name__ == "__main__":
    asyncio.run(main())
