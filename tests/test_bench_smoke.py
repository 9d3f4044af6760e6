"""The benchmark still runs end to end (a tiny run on SQLite, in its own process). No timing is asserted:
speed is measured by bench/, never by tests; this only keeps the harness from rotting between measurements."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_bench_run_measures_every_path_against_the_raw_engine():
    result = subprocess.run(
        [sys.executable, "-m", "bench.run", "--cases", "2", "--chunk", "1", "--warmup", "1", "--no-pg"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    rows = {
        line.split("  ")[0]: line
        for line in result.stdout.splitlines()
        if line.startswith(("raw ", "service layer", "HTTP"))
    }
    assert set(rows) == {
        "raw SpiffWorkflow (ser/deser per task)",
        "service layer, SQLite (WAL)",
        "HTTP (Flask test client), SQLite (WAL)",
    }
    for line in rows.values():
        ms_per_task = float(re.search(r"\s(\d+\.\d+) \(", line).group(1))
        assert ms_per_task > 0
    assert "2 samples of 1 cases" in result.stdout
