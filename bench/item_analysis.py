"""Item analysis benchmark: ``make bench-analysis`` (``.venv/bin/python bench/item_analysis.py``).

What is measured
    1. The pure core, ``assess.core.item_analysis.analyse``: Moodle's test and per-part
       statistics (facility, SD, intended and effective weight, discrimination index and
       efficiency, mean/median/SD/skewness/kurtosis, CIC, error ratio, SEM) over 1,000,000
       generated responses, twice: a complete matrix (50,000 attempts × 20 parts, every attempt
       shown every part) and a drawn one (100,000 attempts, each shown 10 of 20 parts at
       random, as sections draw items; the CIC over 10 slots). Scores follow a logistic
       ability model, parts worth 1, 2 or 4 points. In the same run and on the same matrix,
       the baseline: a plain pure-Python pass computing only facility and SD per part
       (``facility_and_sd``). Best of ``--repeat`` runs each; generating the data is not timed.
       The target is under 5 s for the million responses.
    2. The service and the admin page over a generated assessment of ``--attempts`` first
       attempts (10,000 by default) plus 10% retakes, in SQLite and in PostgreSQL when
       reachable (database ``assess_bench_analysis``, recreated and dropped): the test fixture
       screening (13 items drawn from 28, with written justifications, corrections and
       rewrites graded by people). Attempts are drawn, answered (right with a probability
       set by ability and item, otherwise a random answer), auto-graded by the item types
       and their written parts given final grades, then bulk-inserted; PostgreSQL is then
       vacuumed and analysed, as autovacuum would. Timed, in one run: the baseline, one plain
       query reading each first attempt's responses (what any analysis must read at least);
       ``item_statistics`` computed from the database (first call, which also works out each
       item's random-guess score once per process; the page's tables, the test and its items;
       every table, of the first attempts and of all), from the cache, and the distractor
       tables; then, as an admin, ``GET /admin/assessments/<slug>/analysis`` with nothing
       cached (as after an attempt is scored: the report is computed afresh), cached, and the
       two pages it links to for an analysis this size (parts, skills and rubric dimensions;
       distractors). The target is the page under 1 s with nothing cached.

How to read the figures
    seconds  wall-clock time of one call (the best of the repeats for the core); CPU
             seconds beside it are this process's own, which is what to compare when other
             work shares the machine (the database server's time is in wall only).
    ratio    analysis time ÷ baseline time: what the full set of statistics costs over the
             simplest pass that reads every response once.
Figures depend on the machine (this one has 2 cores; the analysis is single-threaded).
"""
from __future__ import annotations

import argparse
import math
import os
import random
import sys
import tempfile
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
ROOT = BENCH_DIR.parent
sys.path.append(str(ROOT))  # assess, if not installed

from servers import create_database, drop_database, postgres_reachable  # noqa: E402

PG_SERVER = os.environ.get("BENCH_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/")
PG_DATABASE = "assess_bench_analysis"
BANKS = ROOT / "tests" / "fixtures" / "banks"
SLUG = "general-screening"
NOW = datetime(2026, 11, 23, 12, 0, tzinfo=timezone.utc)
TARGET_CORE, TARGET_PAGE = 5.0, 1.0


def sigmoid(z: float) -> float:
    return 1.0 / (1.0 + math.exp(-z))


# ---- 1. the pure core ------------------------------------------------------------------------

def complete_matrix(attempts: int, parts: int, rng: random.Random):
    from assess.core.item_analysis import Matrix, PartScores
    ability = [rng.gauss(0, 1) for _ in range(attempts)]
    rows = list(range(attempts))
    columns, totals = [], [0.0] * attempts
    for j in range(parts):
        top, difficulty = (1, 1, 2, 4)[j % 4], rng.gauss(0, 1)
        points = _scores(ability, rows, top, difficulty, rng)
        for r, p in zip(rows, points):
            totals[r] += p
        columns.append(PartScores(f"p{j}", rows, points, float(top), random_guess=1 / (top + 3)))
    return Matrix(columns, totals, float(sum((1, 1, 2, 4)[j % 4] for j in range(parts)))), None


def drawn_matrix(attempts: int, parts: int, shown: int, rng: random.Random):
    """Each attempt shown ``shown`` of ``parts`` parts: one from each pair (slot k draws part
    2k or 2k+1), so every attempt has the same maximum; the CIC is over the slots."""
    from assess.core.item_analysis import Matrix, PartScores
    ability = [rng.gauss(0, 1) for _ in range(attempts)]
    tops = [(1, 1, 2, 4)[(j // 2) % 4] for j in range(parts)]
    picks = [[rng.random() < 0.5 for _ in range(attempts)] for _ in range(shown)]
    columns, totals = [], [0.0] * attempts
    slots = [[0.0] * attempts for _ in range(shown)]
    for j in range(parts):
        slot, second = divmod(j, 2)
        rows = [r for r in range(attempts) if picks[slot][r] == bool(second)]
        points = _scores(ability, rows, tops[j], rng.gauss(0, 1), rng)
        for r, p in zip(rows, points):
            totals[r] += p
            slots[slot][r] = p
        columns.append(PartScores(f"p{j}", rows, points, float(tops[j])))
    return Matrix(columns, totals, float(sum(tops[::2]))), slots


def _scores(ability, rows, top, difficulty, rng):
    """Points out of ``top``: each point won with the logistic chance of ability − difficulty."""
    out = []
    for r in rows:
        p = sigmoid(1.2 * (ability[r] - difficulty))
        out.append(float(sum(rng.random() < p for _ in range(top))) if top > 1
                   else (1.0 if rng.random() < p else 0.0))
    return out


def best_of(repeat: int, call) -> tuple[float, float, object]:
    """(wall seconds, CPU seconds, result) of the fastest of ``repeat`` calls."""
    best, cpu, result = math.inf, math.inf, None
    for _ in range(repeat):
        started, ticked = time.perf_counter(), time.process_time()
        result = call()
        elapsed = time.perf_counter() - started
        if elapsed < best:
            best, cpu = elapsed, time.process_time() - ticked
    return best, cpu, result


def bench_core(repeat: int, seed: int) -> bool:
    from assess.core.item_analysis import analyse, facility_and_sd
    rng = random.Random(seed)
    ok = True
    print("1. The pure core (assess.core.item_analysis), pure Python, best of", repeat)
    print(f"   {'matrix':<44}{'responses':>10}{'baseline s':>12}{'analysis s':>12}{'ratio':>7}"
          f"{'(CPU s)':>10}")
    for name, build in (
            ("complete: 50,000 attempts × 20 parts", lambda: complete_matrix(50_000, 20, rng)),
            ("drawn: 100,000 attempts × 10 of 20 parts", lambda: drawn_matrix(100_000, 20, 10,
                                                                               rng))):
        matrix, slots = build()
        responses = sum(len(p.rows) for p in matrix.parts)
        base, _, _ = best_of(repeat, lambda: facility_and_sd(matrix))
        full, cpu, result = best_of(repeat, lambda: analyse(matrix, components=slots))
        ok = ok and full < TARGET_CORE
        print(f"   {name:<44}{responses:>10,}{base:>12.3f}{full:>12.3f}{full / base:>7.1f}"
              f"{cpu:>10.3f}")
        test = result.test
        print(f"     α {test.cic:.3f} over {test.components} columns, mean "
              f"{test.share(test.mean):.1%}, SD {test.share(test.sd):.1%}, skewness "
              f"{test.skewness:.3f}, kurtosis {test.kurtosis:.3f}, "
              f"{sum(bool(p.flags) for p in result.parts)} part(s) flagged")
    print(f"   target: under {TARGET_CORE:g} s for 1,000,000 responses — "
          f"{'met' if ok else 'MISSED'}\n")
    return ok


# ---- 2. the service and the page --------------------------------------------------------------

def make_app(url: str, folder: Path):
    from assess import create_app
    return create_app({
        "TESTING": True, "SECRET_KEY": "bench", "SQLALCHEMY_DATABASE_URI": url,
        "WTF_CSRF_ENABLED": False, "CLOCK": lambda: NOW, "PUBLIC_URL": "https://assess.test",
        "SIGNING_KEYS_DIR": str(folder / "keys")})


def seed(app, attempts: int, rng: random.Random) -> dict[str, int]:
    """Schema, the fixture banks, and ``attempts`` scored first attempts (+10% retakes)."""
    from sqlalchemy import func, insert, select
    from werkzeug.security import generate_password_hash

    from assess.core.selection import SectionSpec, draw
    from assess.extensions import db
    from assess.items import registry as item_types
    from assess.models import (
        Assessment,
        Attempt,
        Bank,
        Grade,
        GradingTask,
        Item,
        ItemVersion,
        Response,
        Rubric,
        RubricVersion,
        User,
    )
    from assess.services import accounts
    from assess.services.banks import import_paths, imported_candidates

    with app.app_context():
        db.drop_all()
        db.create_all()
        import_paths([BANKS], now=NOW)
        accounts.create_user("admin@bench.test", "Admin", "bench-password-1", "admin", now=NOW,
                             min_length=10)
        assessment = db.session.scalar(select(Assessment).where(Assessment.slug == SLUG))
        version = assessment.latest
        sections = [SectionSpec(s.slug, s.draw, s.selector) for s in version.sections]
        candidates = imported_candidates()
        newest = (select(ItemVersion.item_id, func.max(ItemVersion.version).label("v"))
                  .group_by(ItemVersion.item_id).subquery())
        versions = {(bank, slug): (iv.id, iv.content, bank_id) for bank, bank_id, slug, iv in
                    db.session.execute(
                        select(Bank.slug, Bank.id, Item.slug, ItemVersion)
                        .join(Item, Item.bank_id == Bank.id)
                        .join(newest, newest.c.item_id == Item.id)
                        .join(ItemVersion, (ItemVersion.item_id == Item.id)
                              & (ItemVersion.version == newest.c.v)))}
        rubrics = {}
        for ident, bank_id, slug, definition, maximum in db.session.execute(
                select(RubricVersion.id, Rubric.bank_id, Rubric.slug, RubricVersion.definition,
                       RubricVersion.max_points).join(Rubric).order_by(RubricVersion.version)):
            rubrics[(bank_id, slug)] = (ident, definition, maximum)
        version_id = version.id
        assessment_id = assessment.id
        item_ids = dict(db.session.execute(select(ItemVersion.id, ItemVersion.item_id)).all())
        db.session.commit()

    cheap = generate_password_hash("bench-password-1", method="pbkdf2:sha256:1000")
    retakes = set(rng.sample(range(attempts), attempts // 10))
    offsets: dict[int, float] = {}
    spaces: dict[int, list] = {}
    users, attempt_rows, responses, tasks, grades = [], [], [], [], []
    grader_id = 5  # the admin is user 1; applicants start at 100
    users.append({"id": grader_id, "email": "grader@bench.test", "name": "Grader",
                  "password_hash": cheap, "role": "grader", "active": True,
                  "accommodation_extra_minutes": 0, "accommodation_multiplier": 1.0,
                  "created_at": NOW})
    for n in range(attempts):
        user_id = n + 100
        users.append({"id": user_id, "email": f"a{n}@bench.test", "name": f"A{n}",
                      "password_hash": cheap, "role": "applicant", "active": True,
                      "accommodation_extra_minutes": 0, "accommodation_multiplier": 1.0,
                      "created_at": NOW})
        ability = rng.gauss(0, 1)
        for number in ((1, 2) if n in retakes else (1,)):
            attempt_id = len(attempt_rows) + 1
            attempt_seed = rng.randrange(2**31)
            drawn = draw(sections, candidates, attempt_seed, shuffle_items=True)
            got = maxima = 0.0
            for position, d in enumerate(drawn, start=1):
                iv_id, content, bank_id = versions[d.candidate.key]
                kind = item_types.get(content["type"])
                item_rng = random.Random(f"{attempt_seed}/{position}")
                presentation = kind.presentation(content, item_rng)
                offset = offsets.setdefault(iv_id, rng.gauss(0, 0.8))
                right = rng.random() < sigmoid(1.3 * (ability + 0.3 * number - offset))
                raw = _gold(content) if right else _guess(kind, content, iv_id, spaces, rng)
                if content.get("justification") and rng.random() < 0.95:
                    raw["justification"] = "Because the decisive difference is stated. " * 2
                answer = kind.parse_answer(content, raw)
                result = kind.grade(content, answer)
                response_id = len(responses) + 1
                responses.append({
                    "id": response_id, "attempt_id": attempt_id, "item_version_id": iv_id,
                    "position": position, "section_slug": d.section,
                    "presentation": presentation, "answer": answer, "revision": 1,
                    "flagged": False, "saved_at": NOW, "auto_points": result.points,
                    "max_points": result.max_points, "grade_detail": result.detail})
                got += result.points
                maxima += result.max_points
                for part in kind.human_parts(content, answer):
                    rubric_id, definition, top = rubrics[(bank_id, part.rubric)]
                    levels = {}
                    for criterion in definition["criteria"]:
                        points = sorted(level["points"] for level in criterion["levels"])
                        reach = sigmoid(1.2 * (ability - offset * 0.5) + rng.gauss(0, 0.7))
                        levels[criterion["id"]] = float(points[min(len(points) - 1, int(
                            reach * len(points)))])
                    task_id = len(tasks) + 1
                    tasks.append({
                        "id": task_id, "response_id": response_id, "part": part.part,
                        "assessment_id": assessment_id, "item_id": item_ids[iv_id],
                        "kind": part.kind, "rubric_version_id": rubric_id, "text": part.text,
                        "context": dict(part.context), "status": "final", "grades_required": 1,
                        "grades_done": 1, "is_reference": False,
                        "final_points": sum(levels.values()), "max_points": top,
                        "resolution": "single", "created_at": NOW})
                    grades.append({"task_id": task_id, "grader_id": grader_id,
                                   "kind": "independent", "levels": levels,
                                   "points": sum(levels.values()), "comment": "",
                                   "created_at": NOW})
                    got += sum(levels.values())
                    maxima += top
            attempt_rows.append({
                "id": attempt_id, "user_id": user_id, "assessment_id": assessment_id,
                "assessment_version_id": version_id, "number": number, "status": "scored",
                "seed": attempt_seed, "started_at": NOW + timedelta(days=4 * number),
                "deadline_at": NOW + timedelta(days=4 * number, minutes=30),
                "submitted_at": NOW + timedelta(days=4 * number, minutes=25),
                "finalised_by": "applicant", "scored_at": NOW + timedelta(days=5 * number),
                "auto_points": got, "auto_max_points": maxima,
                "score": round(got / maxima, 6) if maxima else None, "sub_scores": {},
                "certificate_tries": 0})
    with app.app_context():
        for model, rows in ((User, users), (Attempt, attempt_rows), (Response, responses),
                            (GradingTask, tasks), (Grade, grades)):
            for start in range(0, len(rows), 5000):
                db.session.execute(insert(model), rows[start:start + 5000])
        db.session.commit()
    return {"attempts": len(attempt_rows), "first attempts": attempts,
            "responses": len(responses), "grading tasks": len(tasks)}


def _gold(content: dict) -> dict:
    from seed import valid_answer
    answer = valid_answer(content)
    answer.pop("justification", None)
    return answer


def _guess(kind, content, iv_id, spaces, rng) -> dict:
    """A random answer from the type's own answer space (a rewrite or an item without one:
    left blank)."""
    if iv_id not in spaces:
        space = kind.answer_space(content)
        spaces[iv_id] = list(space) if space is not None else []
    if not spaces[iv_id]:
        return {"text": "A rewrite. " * 8} if content["type"] == "rewrite" else {}
    return dict(rng.choice(spaces[iv_id]))


def settle(app, url: str) -> None:
    """What a live database has after such a load. PostgreSQL's autovacuum would have vacuumed
    and analysed the new rows (the visibility map that index-only scans need, the planner's
    statistics): done here, so that it does not happen halfway through the timings. SQLite
    gathers no statistics by itself and is left as loaded."""
    if not url.startswith("postgresql"):
        return
    from sqlalchemy import text

    from assess.extensions import db
    with app.app_context():
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.execute(text("VACUUM ANALYZE"))
        db.engine.dispose()


def bench_service(label: str, url: str, attempts: int, folder: Path, rng) -> bool:
    from sqlalchemy import select

    from assess.extensions import db
    from assess.models import Attempt, Response
    from assess.services import analysis

    app = make_app(url, folder)
    started = time.perf_counter()
    counts = seed(app, attempts, rng)
    settle(app, url)
    print(f"   {label}: generated {', '.join(f'{v:,} {k}' for k, v in counts.items())} "
          f"in {time.perf_counter() - started:.1f} s")
    every = analysis.OPTIONAL
    timings = []  # (what, wall s, CPU s, count, unit)

    def timed(what: str, call, count, unit: str):
        begun, ticked = time.perf_counter(), time.process_time()
        result = call()
        timings.append((what, time.perf_counter() - begun, time.process_time() - ticked,
                        count(result), unit))
        return result

    with app.app_context():
        timed("baseline: one query reading each response's keyed points",
              lambda: db.session.connection().execute(
                  select(Response.attempt_id, Response.item_version_id, Response.auto_points)
                  .join(Attempt, Attempt.id == Response.attempt_id)
                  .where(Attempt.number == 1, Attempt.status == "scored")).all(),
              len, "rows")
        for what, call in (
                ("service, first call (random-guess scores worked out)",
                 lambda: analysis.item_statistics(SLUG, use_cache=False)),
                ("service, test and items: the page's (no cache)",
                 lambda: analysis.item_statistics(SLUG, use_cache=False)),
                ("service, every table (no cache)",
                 lambda: analysis.item_statistics(SLUG, use_cache=False, tables=every)),
                ("service, every table, all attempts (no cache)",
                 lambda: analysis.item_statistics(SLUG, first_attempts_only=False,
                                                  use_cache=False, tables=every)),
                ("service, computed and cached", lambda: analysis.item_statistics(SLUG)),
                ("service, from the cache", lambda: analysis.item_statistics(SLUG))):
            timed(what, call, lambda report: report.attempts, "attempts")
        report = analysis.item_statistics(SLUG)
        timed("service, distractor tables (read on request)",
              lambda: analysis.distractor_analysis(report), lambda found: len(found.rows),
              "rows")
        db.session.remove()
    analysis._cache.clear()
    client = app.test_client()
    client.post("/auth/login", data={"email": "admin@bench.test",
                                     "password": "bench-password-1"})
    base = f"/admin/assessments/{SLUG}/analysis"
    pages = {}
    for key, what, path in (
            ("cold", "page cold (nothing cached: computes the report)", base),
            ("cached", "page cached", base),
            ("again", "page cached again", base),
            ("details", "details page (parts, skills, dimensions: computed)", base + "/details"),
            ("distractors", "distractors page (reads the answers)", base + "/distractors"),
            ("after", "page cached, after both", base)):
        def get(path=path):
            reply = client.get(path)
            assert reply.status_code == 200, reply.status_code
            return reply
        timed(what, get, lambda reply: len(reply.data), "bytes")
        pages[key] = timings[-1][1]
    print(f"     {'':<58}{'wall s':>8}{'CPU s':>8}")
    for what, seconds, cpu, count, unit in timings:
        print(f"     {what:<58}{seconds:>8.3f}{cpu:>8.3f}   ({count:,} {unit})")
    with app.app_context():
        db.session.remove()
        db.engine.dispose()
    ok = pages["cold"] < TARGET_PAGE
    print(f"     target: page under {TARGET_PAGE:g} s when nothing is cached — "
          f"{'met' if ok else 'MISSED'} (page cold {pages['cold']:.2f} s, "
          f"page cached {pages['cached']:.2f} s)\n")
    return ok


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeat", type=int, default=3, help="core runs (best kept)")
    parser.add_argument("--attempts", type=int, default=10_000,
                        help="first attempts in the generated assessment")
    parser.add_argument("--backend", choices=("sqlite", "postgresql", "all", "none"),
                        default="all", help="where to measure the service ('none': core only)")
    parser.add_argument("--seed", type=int, default=20261123)
    args = parser.parse_args()
    ok = bench_core(args.repeat, args.seed)
    if args.backend == "none":
        return 0 if ok else 1
    print(f"2. The service and the admin page over {args.attempts:,} first attempts")
    with tempfile.TemporaryDirectory(prefix="assess-analysis-") as tmp:
        folder = Path(tmp)
        if args.backend in ("sqlite", "all"):
            ok = bench_service("SQLite", f"sqlite:///{folder / 'bench.sqlite3'}",
                               args.attempts, folder, random.Random(args.seed)) and ok
        if args.backend in ("postgresql", "all"):
            if postgres_reachable(PG_SERVER):
                url = create_database(PG_SERVER, PG_DATABASE)
                try:
                    ok = bench_service("PostgreSQL", url.replace(
                        "postgresql://", "postgresql+psycopg://", 1), args.attempts, folder,
                        random.Random(args.seed)) and ok
                finally:
                    drop_database(PG_SERVER, PG_DATABASE)
            else:
                print(f"   PostgreSQL is not reachable at {PG_SERVER}: SQLite only")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
