"""Two real worker processes on one redis-server share one request budget and one login lock."""

from __future__ import annotations

import itertools
import json
import subprocess
import sys

from tests.primitives.budget_checks import assert_bucket_shape
from tests.support.processes import ROOT


def run_workers(*args: str, count: int = 2, timeout_s: float = 30) -> list:
    """Start `count` workers, release them together, and return each one's JSON result."""
    workers = [
        subprocess.Popen(
            [sys.executable, "-m", "tests.primitives.worker", *args],
            cwd=ROOT,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        for _ in range(count)
    ]
    try:
        for worker in workers:
            assert worker.stdout is not None and worker.stdout.readline().strip() == "ready"
        for worker in workers:
            assert worker.stdin is not None
            worker.stdin.write("go\n")
            worker.stdin.flush()
        outputs = [worker.communicate(timeout=timeout_s)[0] for worker in workers]
    finally:
        for worker in workers:
            if worker.poll() is None:
                worker.kill()
                worker.wait()
    assert [worker.returncode for worker in workers] == [0] * count
    return [json.loads(output.strip().splitlines()[-1]) for output in outputs]


def test_two_processes_never_exceed_the_shared_budget(redis_server, unique):
    limit, burst = 600, 10  # refills ~9.8 tokens/s: about 30 tokens in 2 s for both together
    per_process = run_workers("bucket", redis_server.url, unique + "bucket", str(limit), str(burst), "2")
    assert all(per_process), "each process got some of the budget"
    granted = [t for times in per_process for t in times]
    assert len(granted) <= limit
    # Separate budgets would double the count; one token of slack covers timestamp delay.
    assert_bucket_shape(granted, limit=limit, burst=burst, slack_tokens=1)


def test_two_processes_never_hold_the_lock_together(redis_server, unique):
    per_process = run_workers("lock", redis_server.url, unique, "10")
    intervals = sorted((enter, exit_, pid) for pid, held in enumerate(per_process) for enter, exit_ in held)
    assert len(intervals) == 20
    for (_, exit_, _), (enter, _, _) in itertools.pairwise(intervals):
        assert exit_ <= enter, "two holders overlapped"
    # They really contended: the lock changed hands between the processes.
    assert any(a[2] != b[2] for a, b in itertools.pairwise(intervals))
