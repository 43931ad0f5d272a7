"""Load on `kg serve`: many clients, slow clients, and runaway queries.

Starts `kg serve` as a real process and drives it from threads, each client on its own
loopback address (127.0.0.x), as separate machines would be:

- ``clients``: N clients, each sending simple queries back to back for D seconds.
- ``slow``: N slow clients: each trickles its POST body a few bytes at a time and reads
  the answer slowly; a probe client sends simple queries meanwhile.
- ``runaway``: two clients send runaway queries (each stopped at --timeout) while
  another client sends a simple query every 50 ms.

Reports q/s, p50, p99 (ms), errors (non-200), and the RSS of the server with its
workers at the start and the end. Run::

    python bench/serve_load.py --seconds 60            # all three scenarios
    python bench/serve_load.py clients --clients 8 --seconds 15

The floor for a simple query is the HTTP round trip plus one worker hand-off (pebble's
pipe and pickling): about 2-5 ms on an idle machine.
"""

from __future__ import annotations

import argparse
import http.client
import os
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.parse
from collections.abc import Callable
from typing import Any
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SIMPLE = "ASK { ?t a kg:Topic }"
SMALL_SELECT = "SELECT ?t ?l WHERE { ?t a kg:Topic ; skos:prefLabel ?l } ORDER BY ?l LIMIT 10"
RUNAWAY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def rss_mb(pid: int) -> float:
    """RSS of ``pid`` and all its descendants, in MB."""
    total = 0
    todo = [pid]
    while todo:
        p = todo.pop()
        try:
            for line in Path(f"/proc/{p}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
            children = Path(f"/proc/{p}/task/{p}/children").read_text().split()
            todo += [int(c) for c in children]
        except OSError:
            continue
    return total / 1024


class Server:
    def __init__(self, *options: str) -> None:
        self.port = free_port()
        env = {**os.environ, "PYTHONPATH": os.environ.get("KG_BENCH_ROOT", str(ROOT))}  # KG_BENCH_ROOT: another checkout
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "kg", "serve", "--port", str(self.port), *options],
            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env,
        )
        deadline = time.time() + 120
        while time.time() < deadline:
            try:
                status = self.get("127.0.0.1", SIMPLE)
                if status == 200:
                    return
            except OSError:
                time.sleep(0.3)
        raise RuntimeError("server did not come up")

    def get(self, source: str, query: str, timeout: float = 60) -> int:
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout, source_address=(source, 0))
        try:
            conn.request("GET", "/sparql?" + urllib.parse.urlencode({"query": query}))
            r = conn.getresponse()
            r.read()
            return r.status
        finally:
            conn.close()

    def stop(self) -> None:
        self.proc.terminate()
        self.proc.wait(20)


def summary(name: str, lat: list[float], errors: int, seconds: float, rss: tuple[float, float]) -> str:
    if not lat:
        return f"{name}: no answers, {errors} errors"
    lat = sorted(lat)
    p50 = statistics.median(lat) * 1000
    p99 = lat[min(len(lat) - 1, int(len(lat) * 0.99))] * 1000
    return (
        f"{name}: {len(lat) / seconds:.1f} q/s, p50 {p50:.1f} ms, p99 {p99:.1f} ms, "
        f"max {lat[-1] * 1000:.1f} ms, {len(lat)} ok, {errors} errors, RSS {rss[0]:.0f} -> {rss[1]:.0f} MB"
    )


def loop(until: float, step: Callable[[], int], lat: list[float], errs: list[int], pause: float = 0.0) -> None:
    while time.time() < until:
        start = time.perf_counter()
        try:
            status = step()
        except OSError:
            status = 0
        if status == 200:
            lat.append(time.perf_counter() - start)
        else:
            errs.append(status)
        if pause:
            time.sleep(pause)


def clients(server: Server, n: int, seconds: float) -> str:
    lat: list[float] = []
    errs: list[int] = []
    rss0 = rss_mb(server.proc.pid)
    until = time.time() + seconds
    queries = [SIMPLE, SMALL_SELECT]
    threads = [
        threading.Thread(target=loop, args=(until, lambda i=i: server.get(f"127.0.0.{10 + i}", queries[i % 2]), lat, errs))
        for i in range(n)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return summary(f"{n} clients x {seconds:g} s", lat, len(errs), seconds, (rss0, rss_mb(server.proc.pid)))


def slow_request(port: int, source: str, query: str) -> int:
    """POST the query a few bytes at a time, then read the answer 64 bytes at a time."""
    body = query.encode()
    head = (
        f"POST /sparql HTTP/1.1\r\nHost: x\r\nContent-Type: application/sparql-query\r\n"
        f"Content-Length: {len(body)}\r\nConnection: close\r\n\r\n"
    ).encode()
    with socket.create_connection(("127.0.0.1", port), timeout=60, source_address=(source, 0)) as s:
        s.sendall(head)
        for i in range(0, len(body), 4):
            s.sendall(body[i : i + 4])
            time.sleep(0.02)
        data = b""
        while chunk := s.recv(64):
            data += chunk
            time.sleep(0.001)
    return int(data.split(b" ", 2)[1]) if data else 0


def _slow_load(port: int, n: int, seconds: float, out: Any) -> None:
    """(In a child process, so its threads do not slow the probe's measurements.)"""
    lat: list[float] = []
    errs: list[int] = []
    until = time.time() + seconds
    threads = [
        threading.Thread(target=loop, args=(until, lambda i=i: slow_request(port, f"127.0.1.{10 + i}", SMALL_SELECT), lat, errs))
        for i in range(n)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    out.put((lat, len(errs)))


def slow(server: Server, n: int, seconds: float) -> str:
    import multiprocessing as mp

    probe: list[float] = []
    probe_errs: list[int] = []
    rss0 = rss_mb(server.proc.pid)
    queue: Any = mp.Queue()
    child = mp.Process(target=_slow_load, args=(server.port, n, seconds, queue))
    child.start()
    loop(time.time() + seconds, lambda: server.get("127.0.0.250", SIMPLE), probe, probe_errs, 0.05)
    lat, errs = queue.get()
    child.join()
    rss = (rss0, rss_mb(server.proc.pid))
    return (
        summary(f"{n} slow clients x {seconds:g} s", lat, errs, seconds, rss) + "\n  "
        + summary("probe client meanwhile (own process)", probe, len(probe_errs), seconds, rss)
    )


def runaway(server: Server, seconds: float) -> str:
    lat: list[float] = []
    errs: list[int] = []
    wasted: list[float] = []
    stopped: list[int] = []
    rss0 = rss_mb(server.proc.pid)
    until = time.time() + seconds
    # Each runaway client sends its query again as soon as it has an answer, pausing
    # one second after a refusal (as a client honouring Retry-After would).
    def runaway_client(i: int) -> None:
        while time.time() < until:
            status = server.get(f"127.0.2.{10 + i}", RUNAWAY)
            (wasted if status == 200 else stopped).append(status)
            if status == 503:
                time.sleep(1.0)

    threads = [threading.Thread(target=runaway_client, args=(i,)) for i in range(2)]
    for t in threads:
        t.start()
    time.sleep(1.0)
    loop(until, lambda: server.get("127.0.2.100", SIMPLE), lat, errs, 0.05)
    for t in threads:
        t.join()
    return summary(
        f"simple query while 2 runaway queries run ({len(stopped)} runaway requests refused or stopped)", lat, len(errs), seconds - 1,
        (rss0, rss_mb(server.proc.pid)),
    )


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("scenario", nargs="*", help="clients, slow, runaway (default: all three)")
    ap.add_argument("--seconds", type=float, default=60)
    ap.add_argument("--clients", type=int, default=8)
    ap.add_argument("--slow-clients", type=int, default=50)
    ap.add_argument("--timeout", type=float, default=10)
    ap.add_argument("--workers", type=int, default=None, help="default: kg serve's own")
    args = ap.parse_args()
    args.scenario = args.scenario or ["clients", "slow", "runaway"]
    if not set(args.scenario) <= {"clients", "slow", "runaway"}:
        ap.error(f"unknown scenario in {args.scenario}")
    workers = ["--workers", str(args.workers)] if args.workers else []
    server = Server("--timeout", str(args.timeout), *workers)
    try:
        for scenario in args.scenario:
            if scenario == "clients":
                print(clients(server, args.clients, args.seconds), flush=True)
            elif scenario == "slow":
                print(slow(server, args.slow_clients, args.seconds), flush=True)
            else:
                print(runaway(server, args.seconds), flush=True)
    finally:
        server.stop()


if __name__ == "__main__":
    main()
