"""What every section of the benchmark shares: whole processes timed with their own peak memory, samples summed
up as medians and 95th percentiles, the machine's facts, and a real ``streamlit run`` to point a browser at."""

from __future__ import annotations

import contextlib
import hashlib
import json
import math
import os
import platform
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
REALDATA = ROOT.parent / "shared" / "realdata"
DASHBOARD = ROOT / "dashboard.py"
CHROMIUM = os.environ.get("RANKINGS_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync",
]  # fmt: skip


def percentile(values: Sequence[float], q: float) -> float:
    """Nearest-rank percentile (``q`` in 0-100) of a non-empty sample."""
    ordered = sorted(values)
    rank = max(1, math.ceil(q / 100 * len(ordered)))
    return ordered[rank - 1]


def summary(values: Sequence[float]) -> dict[str, float]:
    """Median, p95, min and max of a sample, and its size."""
    if not values:
        return {"n": 0}
    return {
        "n": len(values),
        "median": statistics.median(values),
        "p95": percentile(values, 95),
        "min": min(values),
        "max": max(values),
    }


@dataclass
class ProcessRun:
    wall_s: float
    cpu_s: float
    peak_mb: float
    returncode: int
    stdout: str
    stderr: str


# Measured processes are started by a small launcher process: a child forked from this (large) process would
# count this process's memory in its peak RSS (Linux keeps the high-water mark across exec).
_LAUNCHER = """
import json, os, subprocess, sys, time
cmd, result = json.loads(sys.argv[1]), sys.argv[2]
start = time.perf_counter()
proc = subprocess.Popen(cmd)
_, status, usage = os.wait4(proc.pid, 0)
wall = time.perf_counter() - start
proc.returncode = os.waitstatus_to_exitcode(status)
with open(result, "w") as fh:
    json.dump({"wall": wall, "cpu": usage.ru_utime + usage.ru_stime, "rss": usage.ru_maxrss, "rc": proc.returncode}, fh)
"""


def run_process(cmd: Sequence[str], env: dict[str, str] | None = None, cwd: Path = ROOT) -> ProcessRun:
    """Run a whole process; wall time, CPU time (user + system) and peak RSS of that process alone."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err, tempfile.TemporaryDirectory() as tmp:
        result = Path(tmp) / "result.json"
        launcher = [sys.executable, "-c", _LAUNCHER, json.dumps(list(cmd)), str(result)]
        subprocess.run(launcher, stdout=out, stderr=err, cwd=cwd, env={**os.environ, **(env or {})}, check=False)
        out.seek(0)
        err.seek(0)
        stderr = err.read().decode(errors="replace")
        if not result.exists():
            raise RuntimeError(f"could not run {' '.join(cmd)[:200]}: {stderr[-1000:]}")
        measured = json.loads(result.read_text())
        return ProcessRun(
            wall_s=measured["wall"],
            cpu_s=measured["cpu"],
            peak_mb=measured["rss"] / 1024,
            returncode=measured["rc"],
            stdout=out.read().decode(errors="replace"),
            stderr=stderr,
        )


def repeat_process(cmd: Sequence[str], repeat: int, before: Callable[[int], None] | None = None) -> dict[str, Any]:
    """``cmd`` run ``repeat`` times (``before(i)`` ahead of each run, untimed): wall, CPU and peak-memory figures."""
    runs: list[ProcessRun] = []
    for i in range(repeat):
        if before:
            before(i)
        runs.append(run_process(cmd))
    failed = [r for r in runs if r.returncode != 0]
    return {
        "wall_s": summary([r.wall_s for r in runs]),
        "cpu_s": summary([r.cpu_s for r in runs]),
        "peak_mb": max(r.peak_mb for r in runs),
        "returncode": runs[-1].returncode,
        "error": (failed[0].stderr.strip().splitlines() or [""])[-1][:300] if failed else "",
    }


def python_code(code: str) -> list[str]:
    return [sys.executable, "-c", code]


def folder_mb(path: Path) -> float:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file()) / 2**20


def machine() -> dict[str, Any]:
    """What the figures were measured on (the load average says how busy the machine was)."""
    cpu = platform.processor() or ""
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    memory = 0.0
    with contextlib.suppress(OSError, ValueError, IndexError):
        memory = int(Path("/proc/meminfo").read_text().split()[1]) / 2**20
    commit = ""
    with contextlib.suppress(OSError, subprocess.SubprocessError):
        commit = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True, check=False
        ).stdout.strip()
    return {
        "cpu": cpu,
        "cpus": os.cpu_count(),
        "memory_gb": round(memory, 1),
        "python": platform.python_version(),
        "platform": platform.platform(),
        "load_average": list(os.getloadavg()) if hasattr(os, "getloadavg") else [],
        "commit": commit,
    }


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextlib.contextmanager
def streamlit_server(
    store: Path, surveys: Path | None, log: Path, script: Path = DASHBOARD
) -> Iterator[tuple[str, int]]:
    """A real ``streamlit run dashboard.py`` on the store; yields (url, pid) once it answers its health check."""
    port = _free_port()
    cmd = [
        sys.executable, "-m", "streamlit", "run", str(script), "--server.port", str(port),
        "--server.address", "127.0.0.1", "--server.headless", "true", "--browser.gatherUsageStats", "false",
    ]  # fmt: skip
    env = {**os.environ, "RANKINGS_PROCESSED": str(store)}
    if surveys:
        env["RANKINGS_SURVEYS"] = str(surveys)
    with log.open("wb") as fh:
        proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=fh, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 120
        while True:
            if proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"streamlit did not start; see {log}")
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=1) as resp:
                    if resp.status == 200:
                        break
            except OSError:
                time.sleep(0.2)
        yield f"http://127.0.0.1:{port}", proc.pid
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def process_memory_mb(pid: int) -> tuple[float, float]:
    current = peak = 0.0
    with contextlib.suppress(OSError):
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                current = int(line.split()[1]) / 1024
            elif line.startswith("VmHWM:"):
                peak = int(line.split()[1]) / 1024
    return current, peak


def rss_mb() -> tuple[float, float]:
    """(current, peak) resident memory of this process in MB."""
    return process_memory_mb(os.getpid())


def run_worker(kind: str, spec: dict[str, Any], work: Path) -> dict[str, Any]:
    """Run ``python -m benchmarks.app <kind> <spec.json> <out.json>`` in a fresh process (its own peak memory) and
    return its result, with the process's wall time and peak memory."""
    work.mkdir(parents=True, exist_ok=True)
    tag = f"{kind}-{hashlib.sha1(json.dumps(spec, sort_keys=True).encode()).hexdigest()[:10]}"
    spec_path, out_path = work / f"{tag}.spec.json", work / f"{tag}.out.json"
    spec_path.write_text(json.dumps(spec), encoding="utf-8")
    run = run_process([sys.executable, "-m", "benchmarks.app", kind, str(spec_path), str(out_path)])
    if run.returncode != 0 or not out_path.exists():
        raise RuntimeError(f"benchmark worker {kind} failed:\n{run.stderr[-3000:]}")
    result = json.loads(out_path.read_text(encoding="utf-8"))
    result["process"] = {"wall_s": run.wall_s, "cpu_s": run.cpu_s, "peak_mb": run.peak_mb}
    return result


def worker_main(fn: Callable[[dict[str, Any]], dict[str, Any]]) -> None:
    """A worker's entry point: ``<spec.json> <out.json>`` are the last two arguments."""
    spec_path, out_path = sys.argv[-2:]
    result = fn(json.loads(Path(spec_path).read_text(encoding="utf-8")))
    Path(out_path).write_text(json.dumps(result, default=str), encoding="utf-8")


def chromium_available() -> bool:
    return Path(CHROMIUM).exists()
