#!/usr/bin/env python3
"""Figures, not assertions: how fast the deployed stack serves, each figure a ratio of two measurements.

Usage: bench-serve.py [--container webstack-bench] [--app NAME] [--path /] [--static-path /static/pages/style.css]
                      [--host-header localhost] [--duration 3] [--warmup 1] [--rounds 3] [--threads 2]
                      [--connections 50] [--rate-fraction 0.3] [--latency-connections 16]
                      [--direct-port 18001] [--proxy-port 18002] [--static-port 18003]
                      [--timeout 240] [--keep-wrk] [--keep-logs] [--clean] [--verbose] [--json FILE]

Runs from the host against a converged container; every load is generated inside the
container (wrk from Debian, and this file's own open-loop client run by the container's
python3) against 127.0.0.1 only, and each is bounded in seconds and in requests.
1. The dynamic page (--path) through nginx -> uWSGI (the deployed path) against a second
   uWSGI started from a copy of the app's ini (same virtualenv, settings, processes and
   threads; only the sockets, pidfile, FIFO and log moved) answering HTTP itself
   (`http =`, its HTTP router, with keep-alive); and against gunicorn, from a throwaway
   virtualenv that sees the app's packages, with the same workers and threads, behind
   the same nginx (a temporary server block on --proxy-port).
2. A static file (--static-path) through nginx's alias against Django serving the same
   file with django.views.static.serve (through the full middleware stack, from a third
   uWSGI answering HTTP: a wrapper URLconf adds the view after the project's URLs).
3. Latency p50 and p99 of the dynamic page through nginx at a fixed rate, --rate-fraction
   of the mean nginx+uWSGI throughput measured in 1; open-loop: requests are due on a
   fixed schedule and each latency runs from the time the request was due (no
   coordinated omission).
The two sides of a ratio are measured in turn (A B, A B, A B: --rounds), each after a
warm-up, and each side's best round counts: other work on the machine only ever slows a
round down (the JSON has the means too, and the server CPU time a request took). Before
each window a uWSGI is loaded until it has recycled every worker (max-requests): its
windows all start alike, and fall between its recycles.
Everything the bench starts runs as transient systemd units with a bounded lifetime, and
a transient timer undoes it all should this script die; at the end the nginx
configuration, the app's uWSGI and its virtualenv are checked to be as before, and the
lines the bench's requests added to the app's nginx and uWSGI logs are cut off again.
Prints a table, one line per figure; --json FILE also writes the figures.
"""

from __future__ import annotations

import argparse
import asyncio
import collections
import contextlib
import hashlib
import json
import math
import pathlib
import re
import shlex
import signal
import subprocess
import sys
import time
import typing

BENCH_DIR = "/run/webstack-bench-serve"  # tmpfs, and outside /tmp: the units' PrivateTmp would hide it
APP_DIR = BENCH_DIR + "/app"  # owned by the app's user: its sockets and the wrapper module
LOAD_DIR = BENCH_DIR + "/load"  # one file a running load, named by its shell's pid: the cleanup ends them
# Logs on the file system the deployed ones are on (one line a request costs the same).
LOG_DIR = "/var/log/webstack-bench-serve"
UNIT = "webstack-bench-serve"
NGINX_BLOCK = UNIT + ".conf"
# The request cap of one wrk run: this many requests a second, far above what this stack
# serves on a small machine. wrk divides by its full -d time even when stopped early, so
# a run that reaches the cap is reported as invalid rather than as a rate.
MAX_RATE = 100_000
STEP_TIMEOUT = 60  # seconds for one setup command (apt-get and pip may take that long)
READY_TIMEOUT = 30  # seconds for a started server to answer
REQUEST_TIMEOUT = 10  # seconds for one response in the latency client
GOALS = {"direct": 0.90, "gunicorn": 1.0, "static": 10.0}
# uWSGI recycles a worker past max-requests only once it is min-worker-lifetime old (10 s
# by default), and with lazy-apps the new one loads the app again, a second or two with
# no answer from that worker: each uWSGI window therefore starts right after its server
# has recycled every worker (RECYCLE_SECONDS at most), and stays clear of the next ones.
# The lines of uWSGI's log that tell (extended regular expressions):
RECYCLE_STARTED = "The work of process"  # the old worker's last words
RESPAWNED = "Respawned uWSGI worker [0-9]+"  # and the master's, with the worker's number
APP_LOADED = " ready in "  # "WSGI app 0 (mountpoint='') ready in N seconds": the new one serves
RECYCLE_SECONDS = 20
# Options of the ini that would collide with the deployed instance, or are replaced.
INI_REPLACED = {"socket", "uwsgi-socket", "http", "http-socket", "https", "master-fifo", "pidfile", "safe-pidfile", "logto", "daemonize", "stats"}
STATIC_WRAPPER = '''"""bench-serve: the project's WSGI application, and django.views.static.serve at STATIC_URL."""

import re

from {module} import application  # noqa: F401  (sets Django up, as uWSGI's module= does)
from django.conf import settings
from django.urls import include, path, re_path
from django.views.static import serve

# After the project's own URLs, as django.conf.urls.static.static() adds them (with DEBUG).
urlpatterns = [
    path("", include(settings.ROOT_URLCONF)),
    re_path(r"^%s(?P<path>.*)$" % re.escape(settings.STATIC_URL.lstrip("/")), serve, {{"document_root": settings.STATIC_ROOT}}),
]
settings.ROOT_URLCONF = __name__
'''
# Each wrk thread stops at its share of the cap; done() prints the summary as JSON.
WRK_SCRIPT = """local limit, sent, req = 0, 0, nil
function init(args) limit = tonumber(args[1]); req = wrk.format() end
function request()
  sent = sent + 1
  if sent >= limit then wrk.thread:stop() end
  return req
end
function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format('\\nWEBSTACK-BENCH {"requests": %d, "duration_us": %d, "connect": %d, "read": %d, "write": %d, "status": %d, "timeout": %d}\\n',
    summary.requests, summary.duration, e.connect, e.read, e.write, e.status, e.timeout))
end
"""


class BenchError(Exception):
    pass


class Side(typing.NamedTuple):
    """One side of a ratio: what is measured, the systemd units that serve it, and for a uWSGI its log (worker recycles)."""

    label: str
    port: int
    path: str
    units: tuple[str, ...]
    server: str = ""
    log: str = ""


# ---------------------------------------------------------------------------------------
# The open-loop client: run inside the container (`python3 - --in-container-latency ...`).


async def read_response(reader: asyncio.StreamReader) -> tuple[int, bool]:
    """Read one whole response; its status, and whether the server closes the connection."""
    head = (await reader.readuntil(b"\r\n\r\n")).decode("latin-1").split("\r\n")
    headers = {name.strip().lower(): value.strip().lower() for name, _, value in (line.partition(":") for line in head[1:])}
    if "content-length" in headers:
        await reader.readexactly(int(headers["content-length"]))
    elif headers.get("transfer-encoding") == "chunked":
        while size := int((await reader.readuntil(b"\r\n")).split(b";")[0], 16):
            await reader.readexactly(size + 2)
        await reader.readuntil(b"\r\n")
    return int(head[0].split()[1]), headers.get("connection") == "close"


def percentile(ordered: list[float], share: float) -> float:
    """Nearest rank: the smallest value with at least `share` of all at or below it."""
    return ordered[max(0, math.ceil(share * len(ordered)) - 1)]


class OpenLoop:
    """GETs due at a fixed rate, sent on a pool of keep-alive connections; latency from the time each was due.

    A request waits in the queue while every connection is busy: that wait is part of its
    latency, as it would be for a client that does not slow down when the server does.
    """

    def __init__(self, port: int, path: str, host_header: str, rate: float, seconds: float, connections: int) -> None:
        self.port, self.rate, self.connections = port, rate, connections
        self.request = f"GET {path} HTTP/1.1\r\nHost: {host_header}\r\nConnection: keep-alive\r\n\r\n".encode()
        self.total = max(1, round(rate * seconds))
        self.due_times: asyncio.Queue[float | None] = asyncio.Queue()
        self.latencies: list[float] = []
        self.lags: list[float] = []  # how late the client itself put each request in the queue
        self.errors: collections.Counter[str] = collections.Counter()
        self.start = self.end = 0.0

    async def connect(self) -> tuple[asyncio.StreamReader, asyncio.StreamWriter]:
        return await asyncio.wait_for(asyncio.open_connection("127.0.0.1", self.port), REQUEST_TIMEOUT)

    async def exchange(self, stream: tuple[asyncio.StreamReader, asyncio.StreamWriter]) -> tuple[int, bool]:
        reader, writer = stream
        writer.write(self.request)
        await writer.drain()
        return await asyncio.wait_for(read_response(reader), REQUEST_TIMEOUT)

    async def worker(self, stream) -> None:
        loop = asyncio.get_running_loop()
        while (due := await self.due_times.get()) is not None:
            try:
                stream = stream or await self.connect()
                status, closing = await self.exchange(stream)
            except (OSError, TimeoutError, asyncio.IncompleteReadError, asyncio.LimitOverrunError, ValueError, IndexError) as error:
                self.errors[type(error).__name__] += 1
                if stream:
                    stream[1].close()
                stream = None
                continue
            if status == 200:
                self.latencies.append(loop.time() - due)
            else:
                self.errors[f"status {status}"] += 1
            if closing:
                stream[1].close()
                stream = None
        if stream:
            stream[1].close()

    async def run(self) -> None:
        loop = asyncio.get_running_loop()
        # Connections opened and used once before the clock starts: the warm-up.
        streams = [await self.connect() for _ in range(self.connections)]
        for stream in streams:
            await self.exchange(stream)
        workers = [asyncio.create_task(self.worker(stream)) for stream in streams]
        self.start = loop.time() + 0.05
        for index in range(self.total):
            due = self.start + index / self.rate
            await asyncio.sleep(max(0.0, due - loop.time()))
            self.lags.append(loop.time() - due)
            self.due_times.put_nowait(due)
        for _ in workers:
            self.due_times.put_nowait(None)
        await asyncio.gather(*workers)
        self.end = loop.time()

    def summary(self, timed_out: bool) -> dict:
        latencies, lags = sorted(self.latencies), sorted(self.lags)
        shares = (0.5, 0.9, 0.99)
        return {
            "rate": self.rate,
            "scheduled": self.total,
            "answered_200": len(latencies),
            "errors": dict(self.errors),
            "timed_out": timed_out,
            "connections": self.connections,
            **{f"p{share * 100:g}_ms": round(percentile(latencies, share) * 1000, 2) if latencies else None for share in shares},
            "max_ms": round(latencies[-1] * 1000, 2) if latencies else None,
            "elapsed_seconds": round(self.end - self.start, 2) if self.end else None,
            "client_lag_p99_ms": round(percentile(lags, 0.99) * 1000, 2) if lags else None,
        }


def in_container_latency(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(prog="bench-serve latency client")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--path", required=True)
    parser.add_argument("--host-header", required=True)
    parser.add_argument("--rate", type=float, required=True)
    parser.add_argument("--seconds", type=float, required=True)
    parser.add_argument("--connections", type=int, required=True)
    args = parser.parse_args(argv)

    async def bounded() -> dict:
        # Bounded in requests (rate x seconds) and in time: what was answered by then is reported.
        client = OpenLoop(args.port, args.path, args.host_header, args.rate, args.seconds, args.connections)
        try:
            async with asyncio.timeout(args.seconds + 3 * REQUEST_TIMEOUT):
                await client.run()
        except TimeoutError:
            return client.summary(timed_out=True)
        return client.summary(timed_out=False)

    print(json.dumps(asyncio.run(bounded())))


# ---------------------------------------------------------------------------------------
# The host side: everything goes through `docker exec`.


def arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--container", default="webstack-bench", help="a container converged with a webstack inventory")
    parser.add_argument("--app", help="the app to measure (default: the only one)")
    parser.add_argument("--path", default="/", help="the dynamic page (GET, no writes: it is requested thousands of times)")
    parser.add_argument("--static-path", default="/static/pages/style.css", help="a file under the app's STATIC_URL")
    parser.add_argument("--host-header", default="localhost", help="one of the app's server_names")
    parser.add_argument("--duration", type=int, default=3, help="seconds of one measurement of one side")
    parser.add_argument("--warmup", type=int, default=1, help="seconds of load before each measurement, not counted")
    parser.add_argument("--rounds", type=int, default=3, help="measurements of each side of a ratio, taken in turn; the best counts")
    parser.add_argument("--threads", type=int, default=2, help="wrk threads")
    parser.add_argument("--connections", type=int, default=50, help="wrk connections")
    parser.add_argument("--rate-fraction", type=float, default=0.3, help="the latency's rate: this share of the mean nginx+uWSGI throughput")
    parser.add_argument("--latency-connections", type=int, default=16, help="connections of the open-loop client")
    parser.add_argument("--direct-port", type=int, default=18001, help="loopback port of the uWSGI that answers HTTP itself")
    parser.add_argument("--proxy-port", type=int, default=18002, help="loopback port of nginx's temporary server block (gunicorn)")
    parser.add_argument("--static-port", type=int, default=18003, help="loopback port of the uWSGI whose Django serves static files")
    parser.add_argument("--timeout", type=float, default=240, help="seconds the whole run may take (it takes about 150)")
    parser.add_argument("--keep-wrk", action="store_true", help="leave wrk installed in the container (faster re-runs)")
    parser.add_argument("--keep-logs", action="store_true", help="leave the lines of the bench's requests in the app's nginx and uWSGI logs")
    parser.add_argument("--clean", action="store_true", help="only undo what a killed run left (its timer would, within minutes)")
    parser.add_argument("--verbose", action="store_true", help="progress on stderr")
    parser.add_argument("--json", type=pathlib.Path, help="also write the figures to this file")
    args = parser.parse_args()
    if not 1 <= args.duration <= 60 or not 0 <= args.warmup <= 10 or not 1 <= args.rounds <= 5:
        parser.error("--duration must be 1 to 60 s, --warmup 0 to 10 s, --rounds 1 to 5")
    if not 1 <= args.threads <= 16 or not args.threads <= args.connections <= 1000 or not 1 <= args.latency_connections <= 200:
        parser.error("--threads must be 1 to 16, --connections from --threads to 1000, --latency-connections 1 to 200")
    ports = {args.direct_port, args.proxy_port, args.static_port}
    if len(ports) != 3 or not all(1024 <= port <= 65535 for port in ports):
        parser.error("--direct-port, --proxy-port and --static-port must be three different ports from 1024 to 65535")
    if not 0 < args.rate_fraction <= 1:
        parser.error("--rate-fraction must be above 0 and at most 1")
    if not args.path.startswith("/") or not args.static_path.startswith("/") or re.search(r"\s", args.path + args.static_path + args.host_header):
        parser.error("--path and --static-path must start with /, and no option may hold white space")
    # 3 ratios x 2 sides x rounds (a uWSGI's recycles first take a few seconds), the
    # latency run, and about 40 s of setup and cleanup.
    needed = 6 * args.rounds * (args.duration + args.warmup + 3) + args.duration + 40
    if needed > args.timeout:
        parser.error(f"--timeout {args.timeout:g} s is shorter than the run may need ({needed} s)")
    return args


def parse_ini(text: str) -> list[tuple[str, str]]:
    """The [uwsgi] section's options, in order (uWSGI allows repeated keys)."""
    options, section = [], None
    for raw in text.splitlines():
        line = raw.strip()
        if line.startswith("[") and line.endswith("]"):
            section = line[1:-1]
        elif section == "uwsgi" and "=" in line and not line.startswith(("#", ";")):
            key, _, value = line.partition("=")
            options.append((key.strip(), value.strip()))
    return options


class Bench:
    def __init__(self, args: argparse.Namespace) -> None:
        self.args = args
        self.deadline = time.monotonic() + args.timeout
        self.installed: list[str] = []  # packages this run installed, purged at the end
        self.app: dict = {}
        self.before: dict = {}
        self.nginx_block = ""
        self.log_sizes: dict[str, int] = {}

    # -- plumbing ------------------------------------------------------------------------

    def log(self, message: str) -> None:
        if self.args.verbose:
            elapsed = time.monotonic() - self.deadline + self.args.timeout
            print(f"bench-serve: {elapsed:5.1f} s: {message}", file=sys.stderr, flush=True)

    def remaining(self) -> float:
        left = self.deadline - time.monotonic()
        if left <= 0:
            raise BenchError(f"not done within --timeout {self.args.timeout:g} s")
        return left

    def sh(self, script: str, timeout: float = STEP_TIMEOUT, stdin: str | None = None, check: bool = True, load: bool = False) -> str:
        """Run a shell script in the container as root; its stdout. A load is noted in LOAD_DIR while it
        runs: it goes on if this script is stopped (docker exec leaves it), and the cleanup ends it."""
        if load:
            script = f'echo $$ > {LOAD_DIR}/$$ && trap "rm -f {LOAD_DIR}/$$" EXIT && {script}'
        command = ["docker", "exec", "-i", self.args.container, "sh", "-c", script]
        try:
            done = subprocess.run(command, check=False, input=stdin or "", capture_output=True, text=True, timeout=min(timeout, self.remaining()))
        except subprocess.TimeoutExpired as error:
            raise BenchError(f"timed out in the container: {script[:200]}") from error
        if check and done.returncode:
            raise BenchError(f"failed in the container ({done.returncode}): {script[:200]}\n{(done.stderr or done.stdout).strip()[-1500:]}")
        return done.stdout

    def write(self, path: str, text: str, owner: str = "root") -> None:
        self.sh(f"cat > {shlex.quote(path)} && chown {shlex.quote(owner)} {shlex.quote(path)}", stdin=text)

    def fetch(self, url: str, unix_socket: str = "") -> tuple[str, str]:
        """One GET: its status code and the SHA-256 of its body."""
        via = f"--unix-socket {shlex.quote(unix_socket)} " if unix_socket else ""
        out = self.sh(
            f"f=$(mktemp) && code=$(curl -s -m 5 {via}-o $f -w '%{{http_code}}' -H {shlex.quote('Host: ' + self.args.host_header)}"
            f" {shlex.quote(url)}); echo $code $(sha256sum < $f | cut -c1-64); rm -f $f",
            timeout=10,
        ).split()
        return out[0], out[1]

    def wait_ready(self, url: str, unix_socket: str = "", unit: str = "") -> str:
        """Poll until the server answers 200; the body's hash."""
        start = time.monotonic()
        while time.monotonic() - start < READY_TIMEOUT:
            code, digest = self.fetch(url, unix_socket)
            if code == "200":
                return digest
            if unit and self.sh(f"systemctl is-active {unit}", check=False).strip() not in ("active", "activating"):
                break
            time.sleep(0.3)
        journal = self.sh(f"journalctl -u {unit} -n 15 --no-pager" if unit else "true", check=False)
        raise BenchError(f"{url} did not answer 200 within {READY_TIMEOUT} s (last: {code})\n{journal}")

    # -- what is deployed ----------------------------------------------------------------

    def discover(self) -> None:
        args = self.args
        state = subprocess.run(["docker", "inspect", "-f", "{{.State.Running}}", args.container], capture_output=True, text=True, check=False)
        if state.stdout.strip() != "true":
            raise BenchError(f"container {args.container} is not running")
        units = self.sh("systemctl list-units --type=service --plain --no-legend 'uwsgi-*.service' | awk '{print $1}'").split()
        apps = [unit.removeprefix("uwsgi-").removesuffix(".service") for unit in units]
        if args.app and args.app not in apps:
            raise BenchError(f"no running uwsgi-{args.app}.service (running: {', '.join(apps) or 'none'})")
        if not args.app and len(apps) != 1:
            raise BenchError(f"--app must name one of the running apps: {', '.join(apps) or 'none'}")
        name = args.app or apps[0]
        unit = f"uwsgi-{name}.service"
        shown = self.sh(f"systemctl show -p ExecStart -p User -p Group -p EnvironmentFiles {unit}")
        show = dict(line.partition("=")[::2] for line in shown.splitlines())
        ini_path = re.search(r"--ini (\S+)", show["ExecStart"]).group(1)
        options = parse_ini(self.sh(f"cat {shlex.quote(ini_path)}"))
        first = {}
        for key, value in options:
            first.setdefault(key, value)
        for key in ("virtualenv", "module", "chdir"):
            if key not in first:
                raise BenchError(f"{ini_path} has no {key} option")
        venv = self.sh(f"readlink -f {shlex.quote(first['virtualenv'])}").strip()
        nginx = self.sh("nginx -T 2>/dev/null")
        sites = re.search(rf"^# configuration file (\S+)/{re.escape(name)}\.conf:$", nginx, re.M)
        if not sites:
            raise BenchError(f"no nginx site {name}.conf in `nginx -T`")
        site = nginx[sites.end() :].split("\n# configuration file ", 1)[0]
        access_logs = sorted(set(re.findall(r"^\s*access_log\s+([^\s;]+)", site, re.M)) - {"off"})
        self.app = {
            "name": name,
            "unit": unit,
            "ini": ini_path,
            "options": options,
            "user": show["User"] or "root",
            "group": show["Group"] or show["User"] or "root",
            "env_file": show["EnvironmentFiles"].split()[0] if show["EnvironmentFiles"] else "",
            "venv": venv,
            "chdir": first["chdir"],
            "module": first["module"],
            "processes": int(first.get("processes", first.get("workers", "1"))),
            "threads": int(first.get("threads", "1")),
            "max_requests": int(first.get("max-requests", "0")),
            "harakiri": int(first.get("harakiri", "30")),
            "log": first.get("logto", ""),
        }
        self.nginx_block = f"{sites.group(1)}/{NGINX_BLOCK}"
        # The logs of every request the bench sends through the deployment: cut back to
        # these sizes at the end (a run adds a million lines or more).
        logs = [*access_logs, self.app["log"]] if self.app["log"] else access_logs
        sizes = self.sh(" ; ".join(f"stat -c '%s %n' {shlex.quote(log)} 2>/dev/null" for log in logs) or "true")
        self.log_sizes = {path: int(size) for size, _, path in (line.partition(" ") for line in sizes.splitlines())}
        self.before = self.snapshot()
        self.log(f"app {name}: {ini_path}, {self.app['processes']} processes x {self.app['threads']} threads, venv {venv}")

    def snapshot(self) -> dict:
        """What must be the same after the bench: nginx's whole configuration, the app's packages."""
        return {
            "nginx_config_sha256": hashlib.sha256(self.sh("nginx -T 2>&1").encode()).hexdigest(),
            "app_venv_sha256": hashlib.sha256(self.sh(f"{shlex.quote(self.app['venv'])}/bin/python -m pip freeze --all 2>/dev/null").encode()).hexdigest(),
            "uwsgi_pid": self.sh(f"systemctl show -p MainPID --value {self.app['unit']}").strip(),
        }

    # -- setup and cleanup ---------------------------------------------------------------

    def cleanup_script(self) -> str:
        # Idempotent: run by the host at the end, and by the watchdog timer should the host die.
        return (
            # The loads still running, by their pids (that are still this bench's shells), and their children.
            f'for f in {LOAD_DIR}/*; do p=${{f##*/}}; [ -e "$f" ] && grep -qs {UNIT} /proc/$p/cmdline && {{ pkill -P $p; kill $p; }}; done 2>/dev/null; '
            f"systemctl stop {UNIT}-uwsgi.service {UNIT}-static.service {UNIT}-gunicorn.service 2>/dev/null; "
            f"if [ -e {self.nginx_block} ]; then rm -f {self.nginx_block}; nginx -t -q && systemctl reload nginx; fi; "
            f"rm -rf {BENCH_DIR} {LOG_DIR}"
            # The lines the bench's requests added to the app's logs; a log that shrank
            # meanwhile (rotated) is left alone.
            + "".join(
                f'; [ "$(stat -c %s {shlex.quote(log)})" -lt {size} ] || truncate -s {size} {shlex.quote(log)}'
                for log, size in ({} if self.args.keep_logs else self.log_sizes).items()
            )
        )

    def prepare(self) -> None:
        args = self.args
        ports = (args.direct_port, args.static_port, args.proxy_port)
        busy = self.sh(f"ss -Hltn '{' or '.join(f'sport = :{port}' for port in ports)}'").strip()
        if busy or self.sh(f"for f in {BENCH_DIR} {LOG_DIR} {self.nginx_block}; do [ ! -e $f ] || echo $f; done").strip():
            raise BenchError(f"a port of {ports} is in use, or an earlier run's files are left; is another bench-serve running? (--clean)")
        user, group = shlex.quote(self.app["user"]), shlex.quote(self.app["group"])
        self.sh(f"install -d -m 0755 {BENCH_DIR} {LOAD_DIR} && install -d -m 0755 -o {user} -g {group} {APP_DIR} {LOG_DIR}")
        watchdog = int(self.remaining()) + 60
        # systemd expands $ and % in a command line: doubled, they reach the shell as they are.
        script = self.cleanup_script().replace("$", "$$").replace("%", "%%")
        self.sh(f"systemd-run --quiet --collect --unit {UNIT}-watchdog --on-active={watchdog}s /bin/sh -c {shlex.quote(script)}")
        if not self.sh("command -v wrk || true").strip():
            self.log("installing wrk")
            listed = "dpkg-query -W -f '${db:Status-Abbrev} ${Package}\\n' | awk '$1 == \"ii\" {print $2}' | sort"
            before = self.sh(listed).split()
            install = "DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends wrk"
            self.sh(f"{install} >/dev/null 2>&1 || {{ apt-get update -q >/dev/null && {install} >/dev/null; }}", timeout=150)
            self.installed = sorted(set(self.sh(listed).split()) - set(before))
        self.write(f"{BENCH_DIR}/cap.lua", WRK_SCRIPT)

    def cleanup(self) -> None:
        if not self.app:
            return
        self.deadline = max(self.deadline, time.monotonic() + 60)  # cleanup gets its own time
        # Not to be cut short by a second Ctrl-C or TERM (a KILL leaves it to the watchdog timer).
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        self.log("cleaning up")
        self.sh(f"systemctl stop {UNIT}-watchdog.timer {UNIT}-watchdog.service 2>/dev/null; {self.cleanup_script()}", check=False)
        if self.installed and not self.args.keep_wrk:
            self.sh(f"DEBIAN_FRONTEND=noninteractive apt-get purge -y -q {' '.join(self.installed)} >/dev/null", check=False, timeout=60)

    def start_unit(self, name: str, command: str, working_dir: str = "") -> None:
        app = self.app
        # A bounded life, and a short stop: what the bench started is ended, busy or not.
        props = [f"User={app['user']}", f"Group={app['group']}", "UMask=0027", f"RuntimeMaxSec={int(self.remaining()) + 30}", "TimeoutStopSec=5"]
        if app["env_file"]:
            props.append(f"EnvironmentFile={app['env_file']}")
        if working_dir:
            props.append(f"WorkingDirectory={working_dir}")
        flags = " ".join(f"-p {shlex.quote(prop)}" for prop in props)
        self.sh(f"systemd-run --quiet --collect --unit {UNIT}-{name} {flags} -- {command}")

    def stop_unit(self, name: str) -> None:
        self.sh(f"systemctl stop {UNIT}-{name}.service 2>/dev/null || true")

    def start_uwsgi(self, name: str, port: int, module: str = "") -> str:
        """The app's ini with its own sockets, pidfile, FIFO and log, answering HTTP on port; its log."""
        lines = [f"{key} = {value}" for key, value in self.app["options"] if key not in INI_REPLACED and not (key == "module" and module)]
        log = f"{LOG_DIR}/uwsgi-{name}.log"
        lines += [f"socket = {APP_DIR}/{name}.sock", f"http = 127.0.0.1:{port}", "http-keepalive = 1", f"logto = {log}"]
        if module:
            lines += [f"module = {module}", f"pythonpath = {APP_DIR}"]
        self.write(f"{BENCH_DIR}/{name}.ini", "[uwsgi]\n" + "\n".join(lines) + "\n")
        self.start_unit(name, f"{shlex.quote(self.app['venv'])}/bin/uwsgi --ini {BENCH_DIR}/{name}.ini")
        return log

    def start_gunicorn(self) -> str:
        """gunicorn in a virtualenv of its own whose .pth adds the app's: the app's virtualenv is not touched."""
        app, venv = self.app, f"{BENCH_DIR}/gunicorn-venv"
        self.log("installing gunicorn into a throwaway virtualenv")
        purelib = "-c 'import sysconfig; print(sysconfig.get_path(\"purelib\"))'"
        app_site = self.sh(f"{app['venv']}/bin/python {purelib}").strip()
        self.sh(f"{app['venv']}/bin/python -m venv --without-pip {venv}")
        own_site = self.sh(f"{venv}/bin/python {purelib}").strip()
        self.write(f"{own_site}/webstack-bench-app-venv.pth", app_site + "\n")
        self.sh(f"{app['venv']}/bin/python -m pip --python {venv}/bin/python install -q --no-cache-dir --disable-pip-version-check gunicorn", timeout=120)
        # The trick verified: Django from the app's virtualenv, gunicorn from this one, and not in the app's.
        check = "import django, gunicorn; print(django.__file__); print(gunicorn.__file__); print(gunicorn.__version__)"
        django_file, gunicorn_file, version = self.sh(f"{venv}/bin/python -c {shlex.quote(check)}").split()
        if not django_file.startswith(app_site) or not gunicorn_file.startswith(own_site):
            raise BenchError(f"the gunicorn virtualenv does not see the app's packages as meant: {django_file}, {gunicorn_file}")
        if not self.sh(f"{app['venv']}/bin/python -c 'import gunicorn' 2>/dev/null || echo absent").strip():
            raise BenchError("gunicorn is importable from the app's virtualenv")
        workers = f"--workers {app['processes']} --threads {app['threads']} --worker-class {'gthread' if app['threads'] > 1 else 'sync'}"
        # As the deployed uWSGI: its harakiri as timeout, one log line a request. No max-requests:
        # its workers, recycled one by one every so many requests, would be in every window,
        # and the uWSGI ones, measured between their recycles, in none.
        command = (
            f"{venv}/bin/python -m gunicorn {workers} --bind unix:{APP_DIR}/gunicorn.sock"
            f" --timeout {app['harakiri']} --access-logfile {LOG_DIR}/gunicorn-access.log --error-logfile {LOG_DIR}/gunicorn-error.log"
            f" --chdir {shlex.quote(app['chdir'])} {shlex.quote(app['module'])}"
        )
        self.start_unit("gunicorn", command, working_dir=app["chdir"])
        return version

    def add_nginx_block(self) -> None:
        """A server on a loopback port proxying to gunicorn, as the app's own passes to uWSGI."""
        block = f"""# bench-serve (scripts/bench-serve.py): temporary, removed when the bench ends.
upstream {UNIT.replace("-", "_")}_gunicorn {{
    server unix:{APP_DIR}/gunicorn.sock;
}}
server {{
    listen 127.0.0.1:{self.args.proxy_port};
    server_name {self.args.host_header};
    charset utf-8;
    access_log {LOG_DIR}/nginx-gunicorn.access.log;
    add_header X-Content-Type-Options nosniff always;
    proxy_hide_header X-Content-Type-Options;
    location / {{
        proxy_pass http://{UNIT.replace("-", "_")}_gunicorn;
        proxy_set_header Host $host;
        proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
        proxy_set_header X-Forwarded-Proto $scheme;
    }}
}}
"""
        self.write(self.nginx_block, block)
        test = self.sh("nginx -t 2>&1", check=False)
        if "test is successful" not in test:
            self.sh(f"rm -f {self.nginx_block}")
            raise BenchError(f"nginx -t refused the temporary server block:\n{test}")
        self.sh("systemctl reload nginx")

    def remove_nginx_block(self) -> None:
        self.sh(f"rm -f {self.nginx_block} && nginx -t -q && systemctl reload nginx")

    # -- measurements --------------------------------------------------------------------

    def wrk_command(self, side: Side, seconds: int) -> str:
        args = self.args
        cap = MAX_RATE * seconds // args.threads  # a thread's share
        url = f"http://127.0.0.1:{side.port}{side.path}"
        return (
            f"timeout -k 2 {seconds + 15} wrk -t{args.threads} -c{args.connections} -d{seconds}s --timeout {REQUEST_TIMEOUT}s"
            f" -H {shlex.quote('Host: ' + args.host_header)} -s {BENCH_DIR}/cap.lua {shlex.quote(url)} -- {cap}"
        )

    @staticmethod
    def count_command(side: Side, pattern: str) -> str:
        """Lines of the side's uWSGI log past byte $o that match: a count (and success) even when there
        are none, or no log yet. (A log of every request grows by megabytes: only the new part is read.)"""
        if side.server != "uwsgi":
            return "echo 0"
        return f"{{ tail -c +$((o + 1)) {shlex.quote(side.log)} 2>/dev/null | grep -cE {shlex.quote(pattern)} || true; }}"

    @staticmethod
    def offset_command(side: Side) -> str:
        """Sets $o, the size of the side's uWSGI log now."""
        return f"o=$(stat -c %s {shlex.quote(side.log)} 2>/dev/null || echo 0)" if side.server == "uwsgi" else "o=0"

    def probe_command(self, side: Side) -> str:
        """Prints `PROBE recycles cpu-seconds`: the worker recycles its uWSGI has begun since $o, and the
        CPU time the side's units' processes have used, with that of those they reaped."""
        units = " ".join(shlex.quote(unit) for unit in side.units)
        # /proc/PID/stat after "pid (comm) ": utime, stime, cutime, cstime are fields 12 to 15.
        cpu = (
            "cg=/sys/fs/cgroup/systemd; [ -d $cg ] || cg=/sys/fs/cgroup; "
            f'for u in {units}; do cat "$cg$(systemctl show -p ControlGroup --value $u)/cgroup.procs"; done 2>/dev/null'
            " | while read -r p; do cat /proc/$p/stat 2>/dev/null; echo; done"
            " | awk -v hz=$(getconf CLK_TCK) '{sub(/^.*\\) /, \"\"); t += $12 + $13 + $14 + $15} END {printf \"%.2f\", t / hz}'"
        )
        return f'echo "PROBE $({self.count_command(side, RECYCLE_STARTED)}) $({cpu})"'

    def recycle_command(self, side: Side) -> str:
        """For a uWSGI with max-requests: load in 1 s steps until every worker (by its number) has been
        respawned and each new one serves (at most RECYCLE_SECONDS). Prints `RECYCLED seconds`."""
        if side.server != "uwsgi" or not self.app["max_requests"]:
            return "echo RECYCLED 0"
        respawned, loaded = self.count_command(side, RESPAWNED), self.count_command(side, APP_LOADED)
        workers = f"{{ tail -c +$((o + 1)) {shlex.quote(side.log)} 2>/dev/null | grep -oE {shlex.quote(RESPAWNED)} | sort -u | wc -l; }}"
        done = f'[ "$w" -ge {self.app["processes"]} ] && [ "$r" -ge "$s" ]'
        return (
            f"{self.offset_command(side)} && n=0 && while [ $n -lt {RECYCLE_SECONDS} ]; do"
            f" {self.wrk_command(side, 1)} >/dev/null || exit; n=$((n + 1)); w=$({workers}); s=$({respawned}); r=$({loaded});"
            f" if {done}; then break; fi; done && echo RECYCLED $n"
        )

    def window(self, side: Side, warmup: int, seconds: int) -> dict:
        """One measurement, in one `docker exec`: workers recycled (uWSGI), warm-up, probe, load, probe."""
        script = [self.recycle_command(side), self.wrk_command(side, warmup) + " >/dev/null" if warmup else "true"]
        script += [self.offset_command(side), self.probe_command(side), self.wrk_command(side, seconds), self.probe_command(side)]
        out = self.sh(" && ".join(script), timeout=RECYCLE_SECONDS * 2 + warmup + seconds + 60, load=True)
        found = re.search(r"^WEBSTACK-BENCH (\{.*\})$", out, re.M)
        probes = [line.split()[1:] for line in out.splitlines() if line.startswith("PROBE ")]
        recycling = re.search(r"^RECYCLED (\d+)$", out, re.M)
        if not found or len(probes) != 2 or not recycling:
            raise BenchError(f"wrk printed no summary:\n{out[-1000:]}")
        result = json.loads(found.group(1))
        (recycles_before, cpu_before), (recycles_after, cpu_after) = probes
        return {
            "requests": result["requests"],
            "seconds": result["duration_us"] / 1e6,
            "errors": sum(result[key] for key in ("connect", "read", "write", "status", "timeout")),
            "capped": result["requests"] >= MAX_RATE * seconds - self.args.threads,
            "recycles": int(recycles_after) - int(recycles_before),
            "recycling_seconds": int(recycling.group(1)),
            "cpu": float(cpu_after) - float(cpu_before),
        }

    def compare(self, sides: list[Side]) -> list[dict]:
        """Each side measured --rounds times, in turn: A B, A B, ..."""
        runs: dict[str, list[dict]] = {side.label: [] for side in sides}
        for index in range(self.args.rounds):
            for side in sides:
                self.log(f"measuring {side.label} (round {index + 1})")
                runs[side.label].append(self.window(side, self.args.warmup, self.args.duration))
        results = []
        for side in sides:
            done = runs[side.label]
            requests = sum(run["requests"] for run in done)
            seconds = sum(run["seconds"] for run in done)
            results.append(
                {
                    "label": side.label,
                    # The best round: other work on the machine only ever slows a round down.
                    "rate": round(max(run["requests"] / run["seconds"] for run in done), 1),
                    "mean_rate": round(requests / seconds, 1),
                    "requests": requests,
                    "seconds": round(seconds, 2),
                    "errors": sum(run["errors"] for run in done),
                    "capped": any(run["capped"] for run in done),
                    "rounds": [
                        {
                            "rate": round(run["requests"] / run["seconds"], 1),
                            "worker_recycles": run["recycles"],
                            "seconds_to_recycle_workers_before": run["recycling_seconds"],
                            "server_cpu_seconds": round(run["cpu"], 2),
                        }
                        for run in done
                    ],
                    "worker_recycles": sum(run["recycles"] for run in done),
                    # What the servers spent on a request, wherever the machine was busy with others.
                    "server_cpu_ms_per_request": round(1000 * sum(run["cpu"] for run in done) / requests, 3) if requests else None,
                }
            )
        return results

    def ratio_figure(self, name: str, key: str, a: dict, b: dict) -> dict:
        sides = (a, b)
        ratio = a["rate"] / b["rate"] if b["rate"] else math.inf
        mean_ratio = a["mean_rate"] / b["mean_rate"] if b["mean_rate"] else math.inf
        trouble = [f"{side['label']}: {side['errors']} errors" for side in sides if side["errors"] > 0.01 * side["requests"]]
        trouble += [f"{side['label']}: request cap reached" for side in sides if side["capped"]]
        recycles = [side["worker_recycles"] for side in sides]
        cpu = [side["server_cpu_ms_per_request"] for side in sides]
        notes = [f"server CPU {cpu[0]:.2f} / {cpu[1]:.2f} ms a request"] if all(cpu) else []
        notes += [f"worker recycles {recycles[0]}/{recycles[1]}"] if any(recycles) else []
        return {
            "name": name,
            "a": a,
            "b": b,
            "unit": "req/s",
            "ratio": round(ratio, 3),
            "ratio_of_means": round(mean_ratio, 3),
            # The same comparison by CPU spent: b's CPU a request over a's, where above 1 means a is leaner.
            "cpu_ratio": round(cpu[1] / cpu[0], 3) if all(cpu) else None,
            "goal": f">= {GOALS[key]:g}",
            "met": "invalid" if trouble else ("yes" if ratio >= GOALS[key] else "no"),
            "notes": trouble + notes,
        }

    def latency(self, rate: float) -> dict:
        args = self.args
        client = [
            *("--port", "80", "--path", args.path, "--host-header", args.host_header),
            *("--rate", f"{rate:g}", "--seconds", str(args.duration), "--connections", str(args.latency_connections)),
        ]
        # This very file, run by the container's python3: the load starts inside the container.
        source = pathlib.Path(__file__).read_text()
        out = self.sh(f"python3 - --in-container-latency {shlex.join(client)}", stdin=source, timeout=args.duration + 3 * REQUEST_TIMEOUT + 10, load=True)
        try:
            return json.loads(out.strip().splitlines()[-1])
        except (IndexError, ValueError) as error:
            raise BenchError(f"the latency client printed no result: {out[-500:]!r}") from error

    def run(self) -> dict:
        args, app = self.args, self.app
        dynamic, static = args.path, args.static_path
        figures = []
        # The deployed path answers before anything else is started.
        for path in (dynamic, static):
            if self.fetch(f"http://127.0.0.1:80{path}")[0] != "200":
                raise BenchError(f"http://127.0.0.1:80{path} (Host: {args.host_header}) does not answer 200")
        nginx_static_digest = self.fetch(f"http://127.0.0.1:80{static}")[1]

        nginx = "nginx.service"
        deployed = Side("nginx+uWSGI", 80, dynamic, (nginx, app["unit"]), "uwsgi", app["log"])

        # The servers to compare with, all started now: a fresh uWSGI recycles no worker
        # younger than 10 s (min-worker-lifetime), and they reach that age meanwhile.
        direct_log = self.start_uwsgi("uwsgi", args.direct_port)
        self.write(f"{APP_DIR}/webstack_bench_static.py", STATIC_WRAPPER.format(module=app["module"].partition(":")[0]))
        static_log = self.start_uwsgi("static", args.static_port, module="webstack_bench_static:application")
        gunicorn_version = self.start_gunicorn()
        direct = Side("uWSGI http", args.direct_port, dynamic, (f"{UNIT}-uwsgi.service",), "uwsgi", direct_log)
        django = Side("Django static.serve", args.static_port, static, (f"{UNIT}-static.service",), "uwsgi", static_log)
        gunicorn = Side("nginx+gunicorn", args.proxy_port, dynamic, (nginx, f"{UNIT}-gunicorn.service"))
        self.wait_ready(f"http://127.0.0.1:{args.direct_port}{dynamic}", unit=f"{UNIT}-uwsgi.service")
        if self.wait_ready(f"http://127.0.0.1:{args.static_port}{static}", unit=f"{UNIT}-static.service") != nginx_static_digest:
            raise BenchError(f"Django's {static} is not the file nginx serves")
        self.wait_ready(f"http://{args.host_header}{dynamic}", unix_socket=f"{APP_DIR}/gunicorn.sock", unit=f"{UNIT}-gunicorn.service")

        # 1a. nginx -> uWSGI against uWSGI answering HTTP itself, same app and workers.
        kept, fresh = self.compare([deployed, direct])
        self.stop_unit("uwsgi")
        figures.append(self.ratio_figure(f"dynamic {dynamic}: nginx+uWSGI / uWSGI http", "direct", kept, fresh))
        # The typical throughput of this run, not its best round: the latency's rate must be
        # well under what the machine gives while others use it too.
        capacity = kept["mean_rate"]

        # 1b. nginx -> uWSGI against nginx -> gunicorn, equal workers and threads.
        self.add_nginx_block()
        self.wait_ready(f"http://127.0.0.1:{args.proxy_port}{dynamic}")
        kept, fresh = self.compare([deployed, gunicorn])
        self.remove_nginx_block()
        self.stop_unit("gunicorn")
        figures.append(self.ratio_figure(f"dynamic {dynamic}: nginx+uWSGI / nginx+gunicorn {gunicorn_version}", "gunicorn", kept, fresh))

        # 2. nginx's alias against Django's static view, on the same file.
        kept, fresh = self.compare([Side("nginx alias", 80, static, (nginx,)), django])
        self.stop_unit("static")
        figures.append(self.ratio_figure(f"static {static}: nginx alias / Django static.serve (uWSGI http)", "static", kept, fresh))

        # 3. Latency at a fixed rate well under the capacity just measured.
        rate = max(1.0, round(args.rate_fraction * capacity))
        self.log(f"latency at {rate:g} req/s")
        # From workers just recycled, as a window of 1 starts with.
        recycle = f"{self.recycle_command(deployed)} >/dev/null && {self.offset_command(deployed)} && echo $o"
        offset = self.sh(recycle, timeout=RECYCLE_SECONDS * 2 + 30, load=True)
        result = self.latency(rate)
        result["worker_recycles"] = int(self.sh(f"o={offset.strip()} && {self.count_command(deployed, RECYCLE_STARTED)}"))
        lost = result["scheduled"] - result["answered_200"]
        # Recycles and a late client explain a tail; they are noted, not hidden.
        notes = [f"{result['worker_recycles']} uWSGI worker recycles in the window"] if result["worker_recycles"] else []
        notes += [f"client late by {result['client_lag_p99_ms']} ms at p99"] if (result["client_lag_p99_ms"] or 0) > 1 else []
        notes += [f"not done within {args.duration + 3 * REQUEST_TIMEOUT} s"] if result["timed_out"] else []
        figures.append(
            {
                "name": f"latency {dynamic} via nginx+uWSGI at {rate:g} req/s ({args.rate_fraction:.0%} of {capacity:g}), open-loop",
                "latency": result,
                "unit": "ms",
                "ratio": round(result["p99_ms"] / result["p50_ms"], 2) if result.get("p50_ms") else None,
                "goal": None,
                "met": "invalid" if lost or result["timed_out"] else "-",
                "notes": ([f"{lost} of {result['scheduled']} requests not answered 200: {result['errors']}"] if lost else []) + notes,
            }
        )
        return {
            "container": args.container,
            "app": {key: app[key] for key in ("name", "ini", "venv", "module", "processes", "threads", "max_requests")},
            "load": {
                "tool": "wrk (Debian), inside the container, to 127.0.0.1",
                "threads": args.threads,
                "connections": args.connections,
                "duration_seconds": args.duration,
                "warmup_seconds": args.warmup,
                "rounds": args.rounds,
                "host_header": args.host_header,
            },
            "django_static": "django.views.static.serve, added after the project's URLs by a wrapper URLconf, served by uWSGI answering HTTP",
            "gunicorn": "a virtualenv of its own (a .pth adds the app's), the app's workers and threads, no max-requests",
            "uwsgi_windows": "each starts after the uWSGI measured has recycled every worker (max-requests), so none falls in it",
            "figures": figures,
        }


def table(result: dict) -> str:
    app, load = result["app"], result["load"]
    lines = [
        f"=== serving benchmark (app {app['name']}: {app['processes']} processes x {app['threads']} threads;"
        f" wrk {load['threads']} threads, {load['connections']} connections, best of {load['rounds']} x {load['duration_seconds']} s a side)",
        f"{'figure':<78} {'measured':<32} {'ratio':>7}  {'goal':<8} met",
    ]
    for figure in result["figures"]:
        if "latency" in figure:
            latency = figure["latency"]
            measured = f"p50 {latency['p50_ms'] or 'n/a'} ms, p99 {latency['p99_ms'] or 'n/a'} ms"
            ratio, goal = (f"{figure['ratio']:.2f}" if figure["ratio"] else "n/a"), "none"
        else:
            measured = f"{figure['a']['rate']:,.0f} / {figure['b']['rate']:,.0f} req/s"
            ratio, goal = f"{figure['ratio']:.2f}", figure["goal"]
        notes = f" ({'; '.join(figure['notes'])})" if figure["notes"] else ""
        lines.append(f"{figure['name']:<78} {measured:<32} {ratio:>7}  {goal:<8} {figure['met']}{notes}")
    kept = result.get("deployment_unchanged")
    if kept is not None:
        lines.append(f"deployment as before (nginx -T, uWSGI main pid, app venv packages): {'yes' if all(kept.values()) else 'NO: ' + str(kept)}")
    return "\n".join(lines)


def main() -> None:
    if sys.argv[1:2] == ["--in-container-latency"]:
        in_container_latency(sys.argv[2:])
        return
    args = arguments()
    # A TERM from make or a CI runner unwinds like Ctrl-C: the cleanup below runs.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    bench = Bench(args)
    start = time.monotonic()
    result = None
    if args.clean:
        try:
            bench.discover()
            # A killed run's own cleanup first, now: its timer knows the logs' sizes before it.
            watchdog = f"{UNIT}-watchdog.service"
            run_now = f"systemctl start {watchdog}; while systemctl -q is-active {watchdog}; do sleep 0.5; done"
            bench.sh(f"! systemctl -q is-active {UNIT}-watchdog.timer || {{ {run_now}; }}")
            bench.cleanup()
        except BenchError as error:
            sys.exit(f"error: {error}")
        return
    try:
        bench.discover()
        bench.prepare()
        result = bench.run()
    except BenchError as error:
        print(f"error: {error}", file=sys.stderr)
    finally:
        with contextlib.suppress(BenchError):
            bench.cleanup()
    if result is None:
        sys.exit(1)
    try:
        after = bench.snapshot()
    except BenchError as error:
        sys.exit(f"error: after the bench: {error}")
    result["deployment_unchanged"] = {key: after[key] == bench.before[key] for key in after}
    result["elapsed_seconds"] = round(time.monotonic() - start, 1)
    if args.json:
        args.json.write_text(json.dumps(result, indent=2) + "\n")
    print(table(result))
    if not all(result["deployment_unchanged"].values()):
        sys.exit(1)


if __name__ == "__main__":
    main()
