"""The client side of bench_requests.py, run as a process of its own: loading pages from many
threads, and the surge."""

from __future__ import annotations

import http.client
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

CLIENT_THREADS = 16
SURGE_THREADS = 64
WARM_UP_SECONDS = 0.5
ROUND_SECONDS = 0.7
ROUNDS = 3
SURGE_SECONDS = 30.0
TRIVIAL = "/bench/trivial"
SURGE_PATHS = ("/", "/signatories/")
NEW_SIGNATORY = "Abbey Surge Borough Council"


def load(
    port: int,
    path: str,
    seconds: float,
    *,
    threads: int,
    headers: dict[str, str] | None = None,
    expect: int = 200,
) -> tuple[int, float, list[float]]:
    """Request ``path`` from every thread until ``seconds`` pass; return the requests, the
    time taken and each request's time."""
    deadline = time.monotonic() + seconds
    completed = [0] * threads
    timings: list[list[float]] = [[] for _ in range(threads)]
    failures: list[str] = []

    def requests(index: int) -> None:
        # http.client reconnects by itself when the server closes the connection.
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        try:
            while time.monotonic() < deadline and not failures:
                started = time.perf_counter()
                connection.request("GET", path, headers=headers or {})
                response = connection.getresponse()
                response.read()
                timings[index].append(time.perf_counter() - started)
                if response.status != expect:
                    failures.append(f"GET {path} answered {response.status}")
                    return
                completed[index] += 1
        finally:
            connection.close()

    started = time.monotonic()
    workers = [threading.Thread(target=requests, args=(i,)) for i in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    elapsed = time.monotonic() - started
    if failures:
        raise SystemExit(failures[0])
    return sum(completed), elapsed, [t for thread in timings for t in thread]


def etag_of(port: int, path: str) -> str:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        connection.request("GET", path)
        response = connection.getresponse()
        response.read()
        return response.getheader("ETag") or ""
    finally:
        connection.close()


def p99(timings: list[float]) -> float:
    ordered = sorted(timings)
    return ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))] * 1000


@dataclass
class Totals:
    requests: int = 0
    seconds: float = 0.0
    timings: list[float] = field(default_factory=list)


def measure_pages(port: int, pages: dict[str, str]) -> dict[str, dict[str, float]]:
    """Load each page and the trivial view in turn; return their figures by page name."""
    results = {}
    conditional = {"conditional_home": ("/", {"If-None-Match": etag_of(port, "/")}, 304)}
    runs = {name: (path, None, 200) for name, path in pages.items()} | conditional
    for name, (path, headers, expect) in runs.items():
        load(port, path, WARM_UP_SECONDS, threads=CLIENT_THREADS, headers=headers, expect=expect)
        load(port, TRIVIAL, WARM_UP_SECONDS, threads=CLIENT_THREADS)
        page, trivial = Totals(), Totals()
        for _ in range(ROUNDS):
            for totals, target, target_headers, status in (
                (page, path, headers, expect),
                (trivial, TRIVIAL, None, 200),
            ):
                count, seconds, timings = load(
                    port,
                    target,
                    ROUND_SECONDS,
                    threads=CLIENT_THREADS,
                    headers=target_headers,
                    expect=status,
                )
                totals.requests += count
                totals.seconds += seconds
                totals.timings.extend(timings)
        results[name] = {
            "rps": page.requests / page.seconds,
            "trivial_rps": trivial.requests / trivial.seconds,
            "p99_ms": p99(page.timings),
        }
    return results


def surge(port: int, started_at_file: str) -> dict[str, float]:
    """Ask for SURGE_PATHS from SURGE_THREADS connections for SURGE_SECONDS; return the
    figures, and when ``/signatories/`` first listed the new signatory (wall clock)."""
    deadline = time.monotonic() + SURGE_SECONDS
    Path(started_at_file).write_text(str(time.time()))
    errors = [0]
    timings: list[list[float]] = [[] for _ in range(SURGE_THREADS)]
    first_listed: list[float] = []
    lock = threading.Lock()

    def requests(index: int) -> None:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        path = SURGE_PATHS[index % len(SURGE_PATHS)]
        try:
            while time.monotonic() < deadline:
                started = time.perf_counter()
                try:
                    connection.request("GET", path)
                    response = connection.getresponse()
                    body = response.read()
                except (OSError, http.client.HTTPException):
                    with lock:
                        errors[0] += 1
                    connection.close()
                    continue
                timings[index].append(time.perf_counter() - started)
                if response.status != 200:
                    with lock:
                        errors[0] += 1
                elif path == "/signatories/" and NEW_SIGNATORY.encode() in body:
                    with lock:
                        if not first_listed:
                            first_listed.append(time.time())
        finally:
            connection.close()

    began = time.monotonic()
    workers = [threading.Thread(target=requests, args=(i,)) for i in range(SURGE_THREADS)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    elapsed = time.monotonic() - began
    everything = [t for thread in timings for t in thread]
    return {
        "rps": len(everything) / elapsed,
        "errors": errors[0],
        "p99_ms": p99(everything),
        "first_listed": first_listed[0] if first_listed else 0.0,
    }


def client(config: dict) -> dict:
    if config["mode"] == "surge":
        return surge(config["port"], config["started_at_file"])
    return measure_pages(config["port"], config["pages"])
