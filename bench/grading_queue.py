"""Grading queue at scale: ``make bench-queue`` (``.venv/bin/python bench/grading_queue.py``).

What is measured
    The graders' two hot reads as the queue grows to 1,000, 10,000 and 100,000 open tasks,
    on SQLite and on PostgreSQL (database ``assess_bench_queue``, created and dropped here):
    claim   ``grading.claim_next`` (the service call a "Start grading" click makes) by a
            grader who holds nothing: the held-task check, the calibration turn, the
            search for the oldest free task and the conditional update that leases it.
            Every lease is given back after each round, so each size starts alike.
    page    ``GET /grading/`` through the test client, signed in as a grader: progress
            counts, the filter's options and (for a lead) the adjudication count; the
            filtered page is a grader's who chose one question in the filter.
    The queue is built from a few real finished attempts (the fixture screening, answered
    through the services), then cloned with bulk inserts: attempts, their written responses
    and their tasks, so every task has its own response and attempt as in production.
    PostgreSQL is analysed after each growth step, as autovacuum would.

How to read the figures
    ms       median wall-clock time of --rounds calls (after one warm-up call), then in
             brackets the median CPU time of this process (SQLite runs in it; PostgreSQL's
             work is in the server, so there it is only the Python side).
    ratio    the largest size's wall-clock figure ÷ the smallest's: 1.0 is flat.
    --plans  prints the query plans (EXPLAIN QUERY PLAN / EXPLAIN) of every SELECT the two
             calls run, at the largest size.
"""
from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path

sys.path.append(str(Path(__file__).resolve().parent.parent))  # assess, if not installed
sys.path.append(str(Path(__file__).resolve().parent))

from servers import create_database, drop_database, postgres_reachable  # noqa: E402

PROJECT_ROOT = Path(__file__).resolve().parent.parent
BANKS = PROJECT_ROOT / "tests" / "fixtures" / "banks"
SCREENING = "general-screening"
NOW = datetime(2026, 11, 23, 12, 0, tzinfo=timezone.utc)
PASSWORD = "bench-password-1"
PG_SERVER = "postgresql://postgres@127.0.0.1:5432/"


def make_app(url: str, folder: Path):
    from assess import create_app
    return create_app({
        "TESTING": True, "SECRET_KEY": "bench", "SQLALCHEMY_DATABASE_URI": url,
        "WTF_CSRF_ENABLED": False, "CLOCK": lambda: NOW, "PUBLIC_URL": "https://assess.test",
        "SIGNING_KEYS_DIR": str(folder / "keys"), "JOBS_IMMEDIATE": True,
        "SESSION_IDLE_MINUTES": 0, "SESSION_MAX_HOURS": 0})


def seed(app, applicants: int, graders: int) -> list[int]:
    """Schema, banks, ``applicants`` finished attempts (the templates) and graders."""
    from sqlalchemy import insert, select
    from werkzeug.security import generate_password_hash

    from assess import items as item_types
    from assess.extensions import db
    from assess.models import User
    from assess.services import accounts
    from assess.services.attempts import save_answer, start_attempt, submit
    from assess.services.banks import import_paths

    with app.app_context():
        db.drop_all()
        db.create_all()
        import_paths([BANKS], now=NOW)
        for n in range(applicants):
            user = accounts.create_user(f"a{n}@bench.test", f"A{n}", PASSWORD, "applicant",
                                        now=NOW, min_length=10)
            attempt = start_attempt(user.id, SCREENING, NOW, seed=1000 + n)
            for response in attempt.responses:
                kind = item_types.get(response.item_version.content["type"])
                content = response.item_version.content
                save_answer(attempt.id, user.id, response.position,
                            kind.with_writing(content, kind.key_answer(content)), 1, NOW)
            submit(attempt.id, user.id, NOW)
        lead = accounts.create_user("g0@bench.test", "G0", PASSWORD, "lead", now=NOW,
                                    min_length=10)
        row = dict(db.session.execute(select(User.__table__).where(User.id == lead.id))
                   .mappings().one())
        cheap = generate_password_hash(PASSWORD, method="pbkdf2:sha256:1000")
        first = lead.id + 1
        db.session.execute(insert(User.__table__), [
            {**row, "id": first + n, "email": f"g{n + 1}@bench.test", "name": f"G{n + 1}",
             "password_hash": cheap, "role": "grader"} for n in range(graders)])
        db.session.commit()
        return [lead.id, *range(first, first + graders)]


def grow(app, target: int) -> int:
    """Clone the template attempts (with their written responses and tasks) until the
    queue holds ``target`` tasks."""
    from sqlalchemy import func, insert, select

    from assess.extensions import db
    from assess.models import Attempt, GradingTask, Response

    tables = Attempt.__table__, Response.__table__, GradingTask.__table__
    with app.app_context():
        connection = db.session.connection()
        have = connection.scalar(select(func.count()).select_from(tables[2]))
        templates = _templates(connection, tables)
        next_ids = [connection.scalar(select(func.max(t.c.id))) + 1 for t in tables]
        rows: tuple[list, list, list] = ([], [], [])
        while have < target:
            for attempt, responses in templates:
                rows[0].append({**attempt, "id": next_ids[0]})
                for response, tasks in responses:
                    rows[1].append({**response, "id": next_ids[1], "attempt_id": next_ids[0]})
                    for task in tasks:
                        if have < target:
                            rows[2].append({**task, "id": next_ids[2],
                                            "response_id": next_ids[1]})
                            next_ids[2] += 1
                            have += 1
                    next_ids[1] += 1
                next_ids[0] += 1
                if len(rows[2]) >= 5000 or have >= target:
                    for table, batch in zip(tables, rows):
                        if batch:
                            connection.execute(insert(table), batch)
                        batch.clear()
                if have >= target:
                    break
        if connection.dialect.name == "postgresql":
            for table in tables:
                connection.exec_driver_sql(
                    f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), "
                    f"(SELECT max(id) FROM {table.name}))")
        db.session.commit()
        if connection.dialect.name == "postgresql":
            with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as c:
                c.exec_driver_sql("ANALYZE")
        return have


def _templates(connection, tables):
    from sqlalchemy import select
    attempt_t, response_t, task_t = tables
    templates = []  # the seeded attempts come first, before any clone
    for attempt in connection.execute(select(attempt_t).order_by(attempt_t.c.id).limit(8))\
            .mappings():
        responses = []
        for response in connection.execute(
                select(response_t).where(response_t.c.attempt_id == attempt["id"],
                                         response_t.c.id.in_(select(task_t.c.response_id)))
                .order_by(response_t.c.id)).mappings():
            tasks = [dict(t) for t in connection.execute(
                select(task_t).where(task_t.c.response_id == response["id"])).mappings()]
            responses.append((dict(response), tasks))
        templates.append((dict(attempt), responses))
    return templates


def release_all(app) -> None:
    from sqlalchemy import update

    from assess.extensions import db
    from assess.models import GradingTask
    with app.app_context():
        db.session.execute(update(GradingTask).where(GradingTask.lease_holder_id.is_not(None))
                           .values(lease_holder_id=None, lease_expires_at=None))
        db.session.commit()


def time_claims(app, graders: list[int], rounds: int) -> tuple[float, float]:
    from assess.services import grading
    walls, cpus = [], []
    for n, grader in enumerate(graders[1:rounds + 2]):
        with app.app_context():
            began, ticked = time.perf_counter(), time.process_time()
            task_id = grading.claim_next(grader, NOW)
            if n:  # the first call warms up
                walls.append(time.perf_counter() - began)
                cpus.append(time.process_time() - ticked)
            assert task_id is not None, "the queue ran dry"
    release_all(app)
    return statistics.median(walls) * 1000, statistics.median(cpus) * 1000


def time_page(client, rounds: int) -> tuple[float, float]:
    walls, cpus = [], []
    for n in range(rounds + 1):
        began, ticked = time.perf_counter(), time.process_time()
        reply = client.get("/grading/")
        if n:
            walls.append(time.perf_counter() - began)
            cpus.append(time.process_time() - ticked)
        assert reply.status_code == 200, reply.status_code
    return statistics.median(walls) * 1000, statistics.median(cpus) * 1000


def signed_in(app, email: str):
    client = app.test_client()
    reply = client.post("/auth/login", data={"email": email, "password": PASSWORD})
    assert reply.status_code == 302, reply.text
    return client


def first_item(app) -> int:
    from sqlalchemy import select

    from assess.extensions import db
    from assess.models import GradingTask, Item, ItemVersion, Response
    with app.app_context():
        return db.session.scalar(select(Item.id).join(ItemVersion).join(Response)
                                 .join(GradingTask).order_by(GradingTask.id).limit(1))


def print_plans(app, graders: list[int], client) -> None:
    """EXPLAIN every SELECT that one claim and one page view run."""
    from sqlalchemy import event

    from assess.extensions import db
    from assess.services import grading
    seen: list[tuple[str, object]] = []

    def record(conn, cursor, statement, parameters, context, executemany):
        if statement.lstrip().upper().startswith(("SELECT", "WITH")) \
                and "grading_tasks" in statement:
            seen.append((statement, parameters))

    with app.app_context():
        engine = db.engine
        event.listen(engine, "before_cursor_execute", record)
        try:
            grading.claim_next(graders[-1], NOW)
            client.get("/grading/")
        finally:
            event.remove(engine, "before_cursor_execute", record)
        release_all(app)
        with engine.connect() as connection:
            explain = "EXPLAIN QUERY PLAN " if engine.dialect.name == "sqlite" else "EXPLAIN "
            for statement, parameters in seen:
                print("\n   " + " ".join(statement.split())[:600])
                for row in connection.exec_driver_sql(explain + statement, parameters):
                    print("     " + (row[-1] if engine.dialect.name == "sqlite" else row[0]))
            connection.rollback()


def bench(label: str, url: str, sizes: list[int], rounds: int, plans: bool,
          folder: Path) -> list[tuple]:
    app = make_app(url, folder)
    began = time.perf_counter()
    graders = seed(app, applicants=8, graders=rounds + 2)
    print(f"   {label}: seeded in {time.perf_counter() - began:.1f} s")
    client = signed_in(app, "g1@bench.test")
    lead = signed_in(app, "g0@bench.test")
    filtered = signed_in(app, "g2@bench.test")  # one question across applicants
    filtered.get(f"/grading/?apply=1&item_id={first_item(app)}")
    rows = []
    for size in sizes:
        began = time.perf_counter()
        grow(app, size)
        grown = time.perf_counter() - began
        timings = (time_claims(app, graders, rounds), time_page(client, rounds),
                   time_page(lead, rounds), time_page(filtered, rounds))
        print(f"   {label:<11} {size:>8,} tasks (+{grown:.1f} s to insert): "
              + "  ".join(f"{what} {wall:.1f} ms (CPU {cpu:.1f})" for what, (wall, cpu)
                          in zip(("claim", "page", "lead's page", "filtered page"), timings)),
              flush=True)
        rows.append((label, size, *timings))
    if plans:
        print(f"\n   Query plans on {label} at {sizes[-1]:,} tasks:")
        print_plans(app, graders, filtered)
    with app.app_context():
        from assess.extensions import db
        db.session.remove()
        db.engine.dispose()
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", default="1000,10000,100000",
                        help="queue sizes, comma-separated, increasing")
    parser.add_argument("--rounds", type=int, default=15, help="timed calls per figure")
    parser.add_argument("--backend", choices=("sqlite", "postgresql", "all"), default="all")
    parser.add_argument("--database", default="assess_bench_queue",
                        help="the PostgreSQL database to create and drop")
    parser.add_argument("--server", default=PG_SERVER, help="the PostgreSQL server's URL")
    parser.add_argument("--plans", action="store_true", help="print the query plans")
    args = parser.parse_args(argv)
    sizes = [int(s) for s in args.sizes.split(",")]
    rows = []
    with tempfile.TemporaryDirectory(prefix="assess-queue-") as tmp:
        folder = Path(tmp)
        if args.backend in ("sqlite", "all"):
            rows += bench("SQLite", f"sqlite:///{folder / 'bench.sqlite3'}", sizes,
                          args.rounds, args.plans, folder)
        if args.backend in ("postgresql", "all"):
            if postgres_reachable(args.server):
                url = create_database(args.server, args.database)
                try:
                    rows += bench("PostgreSQL", url.replace(
                        "postgresql://", "postgresql+psycopg://", 1), sizes, args.rounds,
                        args.plans, folder)
                finally:
                    drop_database(args.server, args.database)
            else:
                print(f"   PostgreSQL is not reachable at {args.server}: SQLite only")
    summary(rows, sizes)
    return 0


def summary(rows: list[tuple], sizes: list[int]) -> None:
    """Wall-clock ms, then this process's CPU ms in brackets (what SQLite costs here, and
    what to compare when other work shares the machine)."""
    names = ("claim", "page", "lead's page", "filtered page")
    print(f"\n   {'backend':<11} {'tasks':>8}" + "".join(f"{n:>20}" for n in names))
    for label, size, *timings in rows:
        print(f"   {label:<11} {size:>8,}" + "".join(
            f"{f'{wall:.1f} ({cpu:.1f})':>20}" for wall, cpu in timings))
    for label in dict.fromkeys(r[0] for r in rows):
        mine = [r for r in rows if r[0] == label]
        if len(mine) > 1:
            first, last = mine[0], mine[-1]
            print(f"   {label}: {last[1]:,}/{first[1]:,} wall ratio  " + "  ".join(
                f"{name} {b[0] / a[0]:.2f}×" for name, a, b in zip(names, first[2:], last[2:])))


if __name__ == "__main__":
    sys.exit(main())
