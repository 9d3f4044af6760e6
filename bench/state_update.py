"""What rewriting a case's saved workflow state costs PostgreSQL, by TOAST compression (pglz, lz4).

    .venv/bin/python -m bench.state_update --db anju_bench      # any database bench.run has filled

Every step UPDATEs the case row with its new state (12–15 kB of JSON, compressed and stored out of line). In a
scratch table: 400 UPDATE + COMMIT of a real state per method, 3 passes; server CPU from /proc/<backend pid>/stat
(10 ms ticks: ±25 µs at 400 statements), wall time on this side.
"""

from __future__ import annotations

import argparse
import os
import time
from pathlib import Path

import psycopg
from psycopg.types.json import Jsonb

METHODS = {"pglz": "", "lz4": "ALTER TABLE bench_state_update ALTER COLUMN state SET COMPRESSION lz4"}


def _server_cpu(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def measure(db: str, updates: int = 400) -> None:
    with psycopg.connect(f"postgresql://postgres@127.0.0.1:5432/{db}") as conn:
        pid = conn.execute("SELECT pg_backend_pid()").fetchone()[0]
        state, data = conn.execute("SELECT workflow_state, data FROM cases ORDER BY id DESC LIMIT 1").fetchone()
        for method, ddl in METHODS.items():
            conn.execute("DROP TABLE IF EXISTS bench_state_update")
            conn.execute("CREATE TABLE bench_state_update (id int PRIMARY KEY, state text, data jsonb, n int)")
            if ddl:
                conn.execute(ddl)
            conn.execute(
                "INSERT INTO bench_state_update SELECT g, %s, %s, 0 FROM generate_series(1, 50) g", (state, Jsonb(data))
            )
            conn.commit()
            passes = []
            for _ in range(3):
                cpu, wall = _server_cpu(pid), time.perf_counter()
                for i in range(updates):
                    conn.execute(
                        "UPDATE bench_state_update SET state = %s, data = %s, n = n + 1 WHERE id = %s",
                        (state[:-3] + str(i % 10) + state[-2:], Jsonb(data), i % 50),
                    )
                    conn.commit()
                passes.append(((_server_cpu(pid) - cpu) / updates * 1e6, (time.perf_counter() - wall) / updates * 1e6))
            stored = conn.execute("SELECT pg_column_size(state) FROM bench_state_update LIMIT 1").fetchone()[0]
            print(
                f"{method}: server CPU {' '.join(f'{p[0]:.0f}' for p in passes)} µs, wall "
                f"{' '.join(f'{p[1]:.0f}' for p in passes)} µs per UPDATE + COMMIT; "
                f"{len(state)} chars stored in {stored} B"
            )
        conn.execute("DROP TABLE bench_state_update")
        conn.commit()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", default="anju_bench")
    args = parser.parse_args()
    measure(args.db)


if __name__ == "__main__":
    main()
