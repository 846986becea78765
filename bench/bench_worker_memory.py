"""Benchmark: peak memory (RSS) of gunicorn web workers serving the overview, demo data vs region data.

    .venv/bin/python bench/bench_worker_memory.py [--requests 10] [--workers 2] [--scales sharing,region]

For each scale: a fresh SQLite database with ``sharing init`` + ``sharing demo [--scale region]``, an admin
account, gunicorn as in production; then, signed in, the overview's page-router request ``--requests``
times with the shared figure cache emptied before each (cold, the costly case) and as many warm. Prints
each worker's peak RSS (VmHWM in /proc, the kernel's high-water mark) after serving, and the slowest
request. Reports only: nothing is asserted.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_pages import EMAIL, PASSWORD, free_port, page_request, signed_in, timed_post  # noqa: E402

BIN = Path(sys.executable).parent


def peak_rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError(f"no VmHWM for process {pid}")


def workers_of(master: int) -> list[int]:
    children = Path(f"/proc/{master}/task/{master}/children").read_text().split()
    return sorted(map(int, children))


def measure(scale: str, requests: int, workers: int) -> dict:
    folder = Path(tempfile.mkdtemp(prefix="sharing-bench-memory-"))
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{folder / 'sharing.db'}",
        "SHARING_INSTANCE_PATH": str(folder),
    }
    started = time.perf_counter()
    for command in (["init"], ["demo", "--scale", scale]):
        subprocess.run([str(BIN / "sharing"), *command], env=env, check=True, capture_output=True)
    loaded = time.perf_counter() - started
    subprocess.run(
        [str(BIN / "sharing"), "users", "add", EMAIL, "--role", "admin", "--password-stdin"],
        env=env, input=PASSWORD + "\n", text=True, check=True, capture_output=True,
    )  # fmt: skip
    port = free_port()
    server = subprocess.Popen(
        [str(BIN / "gunicorn"), "dashboard.wsgi:server", "--no-control-socket", "--workers",
         str(workers), "--timeout", "120", "--bind", f"127.0.0.1:{port}"],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                opener = signed_in(base)
                break
            except OSError:
                time.sleep(0.3)
        idle = {pid: peak_rss_mb(pid) for pid in workers_of(server.pid)}
        with opener.open(base + "/_dash-dependencies", timeout=30) as response:
            dependencies = json.load(response)
        router = next(d["output"] for d in dependencies if "_pages_content" in d["output"])
        body = page_request(router, "/")
        url = base + "/_dash-update-component"
        times = []
        for _ in range(requests):
            shutil.rmtree(folder / "cache", ignore_errors=True)
            times.append(timed_post(opener, url, body))
        times += [timed_post(opener, url, body) for _ in range(requests)]
        request = urllib.request.Request(
            url, data=body, headers={"Content-Type": "application/json"}
        )
        with opener.open(request, timeout=120) as response:
            size_kb = len(response.read()) / 1000
        peaks = {pid: peak_rss_mb(pid) for pid in workers_of(server.pid)}
        return {
            "scale": scale, "load_s": loaded, "idle_mb": max(idle.values()),
            "peak_mb": sorted(peaks.values()), "slowest_ms": max(times), "kb": size_kb,
        }  # fmt: skip
    finally:
        server.terminate()
        server.wait(timeout=30)
        shutil.rmtree(folder, ignore_errors=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=10, help="cold and warm overview requests")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--scales", default="sharing,region")
    args = parser.parse_args()
    print(
        "| data | load s | worker RSS after start MB | workers' peak RSS MB | slowest ms | response kB |"
    )
    print("|---|---|---|---|---|---|")
    for scale in args.scales.split(","):
        figures = measure(scale, args.requests, args.workers)
        peaks = ", ".join(f"{peak:.0f}" for peak in figures["peak_mb"])
        print(
            f"| {scale} | {figures['load_s']:.0f} | {figures['idle_mb']:.0f} | {peaks}"
            f" | {figures['slowest_ms']:.0f} | {figures['kb']:.0f} |",
            flush=True,
        )


if __name__ == "__main__":
    main()
