"""Fill PostgreSQL with N cases and ~3 task rows per case of realistic shape, for the scale benchmarks (issue 3).

    .venv/bin/python -m bench.generate --cases 1000000          # database anju_bench_big (dropped and recreated)
    .venv/bin/python -m bench.generate --cases 10000 --db anju_bench_10k

Schema by `flask db upgrade` (the real migrations, indexes included); org, users, calendar and processes seeded
as the demo does; one real permit case opened through the service layer gives the template `data` and
`workflow_state` (the real serialized engine state, reused for every row, so TOAST sizes are realistic). Then
everything is generated in the server with `generate_series`:

* cases opened over the last 3 years, newest ids newest; the most recent ~7 % are still running (in review or
  received; a few waiting for the applicant), the rest approved/refused/closed with closed_at set;
* 3 task rows per case (check materials at the service centre, verify residence at the community, approve at
  the police station): closed cases have all three completed (a few cancelled); a running case has its
  earlier steps completed and one open task at the unit of its current step, 40 % unclaimed, the rest claimed
  by one of the ~20 caseworkers of that unit; due dates from −15 to +15 days around now, each at the end of a
  day (23:59:59 China time, as every deadline Anju computes);
* the open-task tallies of the dashboard (inbox.tallies) counted once after the bulk insert;
* statutory deadlines 15 days after opening, and completion history over the last 90 days (so the at-risk
  forecast has real work to do).
"""

from __future__ import annotations

import argparse
import os
import subprocess
import time
from datetime import datetime

import psycopg

from app.inbox import tallies

ADMIN_URL = "postgresql://postgres@127.0.0.1:5432/postgres"
NOW = "2026-11-22T12:00:00+08:00"  # the bench's frozen "now" (bench/queries.py uses the same)


def url_for(name: str, driver: bool = True) -> str:
    return f"postgresql{'+psycopg' if driver else ''}://postgres@127.0.0.1:5432/{name}"


def _app(url: str):
    from app import create_app
    from app.config import Config

    class GenConfig(Config):
        SQLALCHEMY_DATABASE_URI = url
        DEPLOY_ON_START = False
        JOBS_MODE = "manual"
        TIMER_THREAD = False

    return create_app(GenConfig)


def recreate(name: str) -> None:
    with psycopg.connect(ADMIN_URL, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
    env = {**os.environ, "FLASK_APP": "wsgi.py", "ANJU_DEPLOY_ON_START": "0", "DATABASE_URL": url_for(name)}
    subprocess.run([".venv/bin/flask", "db", "upgrade"], check=True, env=env, capture_output=True)


def seed(name: str) -> int:
    """Org, users, calendar, processes; one real case as the template. Returns its id."""
    from sqlalchemy import select

    from app import demo
    from app.accounts.models import User
    from app.calendar.service import seed_years
    from app.cases import service
    from app.core import clock
    from app.extensions import db
    from bench.deploy import deploy_permit_process
    from tests.factories import permit_form

    app = _app(url_for(name))
    with app.app_context():
        clock.freeze(datetime.fromisoformat(NOW))
        seed_years(range(2023, 2028))
        deploy_permit_process()
        demo.seed_users(demo.seed_org())
        db.session.commit()
        window1 = db.session.scalars(select(User).where(User.username == "window1")).one()
        case, _code = service.open_case(
            service="residence_permit", form=permit_form("C0201", seed=1), actor=window1, locale="zh"
        )
        db.session.commit()
        return case.id


GENERATE_SQL = """
CREATE TEMP TABLE t_cw AS  -- caseworkers with their unit, numbered per unit kind
SELECT u.id AS user_id, u.unit_id, o.kind, row_number() OVER (PARTITION BY o.kind ORDER BY u.id) - 1 AS k
FROM users u JOIN org_units o ON o.id = u.unit_id WHERE u.role = 'CASEWORKER' OR u.role = 'caseworker';

CREATE TEMP TABLE t_comm AS  -- communities and the police station serving each
SELECT o.id AS community_id, row_number() OVER (ORDER BY o.id) - 1 AS k,
       (SELECT s.id FROM org_units s WHERE s.code = 'P0' || substr(o.code, 3, 1)) AS station_id
FROM org_units o WHERE o.code ~ '^C0[0-9]{3}$';

-- cases: id offset past the template; g = 1 oldest … N newest
INSERT INTO cases (id, number, service, process_version_id, status, applicant_name, applicant_id_number,
                   applicant_phone, data, community_id, intake_unit_id, access_code_hash, opened_at, opened_by_id,
                   closed_at, statutory_due_on, current_step, workflow_state, serializer_version, next_timer_at,
                   timer_failures, lock_version)
SELECT %(base)s + g,
       'RP-330106-B-' || lpad(g::text, 8, '0'),
       t.service, t.process_version_id,
       CASE WHEN g <= %(closed_n)s THEN (ARRAY['CLOSED','APPROVED','APPROVED','REFUSED','NOT_ACCEPTED'])[1 + g %% 5]
            WHEN g %% 20 = 0 THEN 'AWAITING_APPLICANT'
            WHEN g %% 3 = 0 THEN 'RECEIVED' ELSE 'IN_REVIEW' END,
       t.applicant_name, lpad((110101199001010000 + g)::text, 18, '0'), t.applicant_phone,
       t.data, c.community_id, t.intake_unit_id, t.access_code_hash,
       o.opened_at, t.opened_by_id,
       CASE WHEN g <= %(closed_n)s THEN o.opened_at + interval '1 day' * (3 + g %% 12) END,
       (o.opened_at + interval '15 days')::date,
       CASE WHEN g > %(closed_n)s THEN '社区入户核查' END,
       t.workflow_state, t.serializer_version, NULL, 0, 1
FROM generate_series(1, %(n)s) AS g
CROSS JOIN (SELECT * FROM cases WHERE id = %(template)s) AS t
CROSS JOIN LATERAL (SELECT %(now)s::timestamptz - interval '1095 days' * (1 - g::float8 / %(n)s)
                                                  - interval '1 minute' * (g %% 600) AS opened_at) AS o
JOIN t_comm c ON c.k = (g / 7) %% (SELECT count(*) FROM t_comm);

-- tasks: step s = 1..3 per case
INSERT INTO human_tasks (case_id, engine_task_id, task_name, title, service, lane, unit_id, form_id, state, priority,
                         assignee_id, claimed_at, created_at, due_at, completed_at, completed_by_id)
SELECT x.case_id, md5(x.case_id::text || '-' || x.s)::uuid::text, x.task_name, x.title, 'residence_permit', x.lane,
       x.unit_id, NULL, x.state,
       CASE WHEN x.state = 'OPEN' AND x.case_id %% 11 = 0 THEN 1 ELSE 0 END,
       x.assignee_id,
       CASE WHEN x.assignee_id IS NOT NULL THEN x.created_at + interval '2 hours' END,
       x.created_at, x.due_at,
       CASE WHEN x.state <> 'OPEN' THEN x.created_at + interval '1 hour' * (4 + x.case_id %% 60) END,
       CASE WHEN x.state = 'COMPLETED' THEN x.assignee_id END
FROM (
  SELECT c.id AS case_id, s, st.task_name, st.title, st.lane,
         CASE s WHEN 1 THEN c.intake_unit_id WHEN 2 THEN c.community_id ELSE tc.station_id END AS unit_id,
         CASE WHEN c.closed_at IS NOT NULL
              THEN (CASE WHEN c.id %% 50 = 0 AND s = 3 THEN 'CANCELLED' ELSE 'COMPLETED' END)
              WHEN s < open_step THEN 'COMPLETED' ELSE 'OPEN' END AS state,
         CASE WHEN c.closed_at IS NULL AND s = open_step AND c.id %% 5 < 2 THEN NULL
              ELSE (SELECT cw.user_id FROM t_cw cw
                    WHERE cw.unit_id = CASE s WHEN 1 THEN c.intake_unit_id WHEN 2 THEN c.community_id
                                              ELSE tc.station_id END
                    ORDER BY (cw.user_id + c.id) %% 7 LIMIT 1) END AS assignee_id,
         c.opened_at + interval '1 day' * (s - 1) * 2 AS created_at,
         CASE WHEN c.closed_at IS NULL AND s = open_step
              THEN (date_trunc('day', %(now)s::timestamptz AT TIME ZONE 'Asia/Shanghai')
                    + interval '1 day' * (((c.id::bigint * 7919) %% 31) - 15) + interval '23:59:59')
                   AT TIME ZONE 'Asia/Shanghai'
              ELSE c.opened_at + interval '1 day' * (s * 3) END AS due_at
  FROM cases c
  JOIN t_comm tc ON tc.community_id = c.community_id
  CROSS JOIN LATERAL (SELECT CASE WHEN c.closed_at IS NULL THEN 1 + c.id %% 3 ELSE 4 END AS open_step) os
  CROSS JOIN LATERAL generate_series(1, LEAST(3, open_step)) AS s
  JOIN (VALUES (1, 'check_materials', '材料审查', 'window'),
               (2, 'verify_residence', '社区入户核查', 'community'),
               (3, 'approve', '审批发证', 'police')) AS st(k, task_name, title, lane) ON st.k = s
  WHERE c.id > %(base)s
) AS x;
"""


def generate(name: str, cases: int) -> dict:
    started = time.perf_counter()
    recreate(name)
    template = seed(name)
    seeded = time.perf_counter() - started
    with psycopg.connect(url_for(name, driver=False)) as conn:
        template_row = conn.execute(
            "SELECT length(workflow_state), length(data::text), pg_column_size(workflow_state), "
            "pg_column_size(data), status FROM cases WHERE id = %s",
            (template,),
        ).fetchone()
        tasks = conn.execute(
            "SELECT task_name, title, lane, state FROM human_tasks WHERE case_id = %s", (template,)
        ).fetchall()
        states = {r[0] for r in conn.execute("SELECT DISTINCT state FROM human_tasks")}
        roles = {r[0] for r in conn.execute("SELECT DISTINCT role FROM users")}
        base = conn.execute("SELECT max(id) FROM cases").fetchone()[0]
        sql = GENERATE_SQL
        if "open" in states:  # the enum is stored by value or by name depending on the column: follow the template
            sql = (
                sql.replace("'OPEN'", "'open'")
                .replace("'COMPLETED'", "'completed'")
                .replace("'CANCELLED'", "'cancelled'")
            )
        with conn.cursor() as cur:
            cur.execute("SET synchronous_commit = off")
            params = {
                "base": base,
                "n": cases,
                "closed_n": int(cases * 0.93),
                "template": template,
                "now": NOW,
            }
            # Bulk rows bypass the open-task tally triggers (one trigger call per row would triple the time);
            # the tallies are counted once at the end, as `flask anju rebuild-tallies` does.
            cur.execute("ALTER TABLE human_tasks DISABLE TRIGGER human_tasks_tally")
            cur.execute("ALTER TABLE cases DISABLE TRIGGER cases_tally")
            for statement in filter(None, (part.strip() for part in sql.split(";\n\n"))):
                cur.execute(statement, params)
            cur.execute("ALTER TABLE human_tasks ENABLE TRIGGER human_tasks_tally")
            cur.execute("ALTER TABLE cases ENABLE TRIGGER cases_tally")
            cur.execute("DELETE FROM open_task_tallies")
            for statement in tallies.rebuild_statements():
                cur.execute(statement)
        conn.commit()
        conn.execute("SELECT setval(pg_get_serial_sequence('cases', 'id'), (SELECT max(id) FROM cases))")
        conn.commit()
    with psycopg.connect(url_for(name, driver=False), autocommit=True) as conn:
        conn.execute("VACUUM (ANALYZE) cases")
        conn.execute("VACUUM (ANALYZE) human_tasks")
        stats = conn.execute(
            "SELECT (SELECT count(*) FROM cases), (SELECT count(*) FROM human_tasks), "
            "(SELECT count(*) FROM human_tasks WHERE state IN ('open', 'OPEN')), "
            "pg_size_pretty(pg_database_size(current_database()))"
        ).fetchone()
    return {
        "seconds": round(time.perf_counter() - started, 1),
        "seed_seconds": round(seeded, 1),
        "template": {
            "workflow_state_chars": template_row[0],
            "data_chars": template_row[1],
            "workflow_state_stored": template_row[2],
            "data_stored": template_row[3],
        },
        "template_tasks": tasks,
        "roles": sorted(roles),
        "cases": stats[0],
        "tasks": stats[1],
        "open_tasks": stats[2],
        "size": stats[3],
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--cases", type=int, default=1_000_000)
    parser.add_argument("--db", default="anju_bench_big")
    args = parser.parse_args()
    print(generate(args.db, args.cases))


if __name__ == "__main__":
    main()
