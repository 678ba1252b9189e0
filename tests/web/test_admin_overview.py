"""The admin overview: score distribution with the tier cut lines, tiers reached, the funnel
from started to certified and the item scatter, each as a table, as chart JSON and as CSV."""
from __future__ import annotations

import csv
import io
import json
import re
from datetime import timedelta

import pytest
from grading_support import SCREENING, finished_attempts, grade_all
from helpers import FIXED_NOW

PASSWORD = "correct horse battery"
OVERVIEW = f"/admin/assessments/{SCREENING}/overview"


def _attempts(app, make_user):
    """Attempts in every state, written straight to the database so that each number on the
    page is known in advance (the tier slugs are what scoring recorded, not recomputed)."""
    from assess.extensions import db
    from assess.models import Assessment, Attempt, Certificate
    cases = [  # status, submitted, score, tier, certificates (revoked?, superseded?)
        ("in_progress", False, None, None, []),
        ("void", False, None, None, []),
        ("awaiting_grading", True, None, None, []),
        ("scored", True, 0.42, None, []),
        ("scored", True, 0.6, "generalist", []),  # exactly on the edge: bin [60%, 65%)
        ("scored", True, 0.749999, "generalist", []),  # just below Specialist: [70%, 75%)
        ("scored", True, 0.75, "specialist", [(False, False)]),
        ("scored", True, 1.0, "expert", [(True, False)]),  # revoked: not certified
        ("scored", True, 0.9, "expert", [(True, True), (False, False)]),  # reissued once
    ]
    users = [make_user(f"person{n}@example.org") for n in range(len(cases))]
    other = make_user("elsewhere@example.org")
    with app.app_context():
        assessment = db.session.scalar(db.select(Assessment).where(Assessment.slug == SCREENING))
        version = assessment.latest
        practice = db.session.scalar(db.select(Assessment).where(Assessment.slug == "practice"))
        for n, (status, submitted, score, tier, certificates) in enumerate(cases):
            user_id = users[n]
            attempt = Attempt(user_id=user_id, assessment_id=assessment.id,
                              assessment_version_id=version.id, number=1, status=status, seed=n,
                              started_at=FIXED_NOW - timedelta(hours=2),
                              submitted_at=FIXED_NOW - timedelta(hours=1) if submitted else None,
                              scored_at=FIXED_NOW if score is not None else None,
                              score=score, tier_slug=tier)
            db.session.add(attempt)
            db.session.flush()
            previous = None
            for k, (revoked, superseded) in enumerate(certificates):
                certificate = Certificate(
                    public_id=f"00000000-0000-0000-0000-{n:06d}{k:06d}", user_id=user_id,
                    attempt_id=attempt.id, assessment_id=assessment.id, tier_slug=tier,
                    valid_from=FIXED_NOW, credential={}, jwt="x", key_id="k",
                    revoked_at=FIXED_NOW if revoked else None, created_at=FIXED_NOW)
                db.session.add(certificate)
                db.session.flush()
                if previous is not None:
                    previous.superseded_by_id = certificate.id
                previous = certificate
        # Another assessment's attempt counts for nothing here.
        db.session.add(Attempt(user_id=other, assessment_id=practice.id,
                               assessment_version_id=practice.latest.id, number=1,
                               status="submitted", seed=99, started_at=FIXED_NOW,
                               submitted_at=FIXED_NOW))
        db.session.commit()


def _rows(html: str, table_id: str) -> list[list[str]]:
    table = re.search(rf'<table class="table" id="{table_id}">(.*?)</table>', html, re.S).group(1)
    body = table.split("<tbody>", 1)[1]
    return [[re.sub(r"<[^>]+>", "", cell).strip()
             for cell in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.S)]
            for row in re.findall(r"<tr>(.*?)</tr>", body, re.S)]


def _chart_data(html: str) -> dict:
    found = re.search(r'<script type="application/json" id="overview-data">(.*?)</script>',
                      html, re.S)
    return json.loads(found.group(1))


def _csv(client, table: str) -> list[dict[str, str]]:
    response = client.get(f"{OVERVIEW}.csv?table={table}")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert f'filename="{SCREENING}-{table}.csv"' in response.headers["Content-Disposition"]
    return list(csv.DictReader(io.StringIO(response.text)))


def test_the_numbers_in_tables_chart_data_and_csv(app, make_user, login, imported):
    _attempts(app, make_user)
    client = login("admin@example.org", role="admin")
    html = client.get(OVERVIEW).text

    # Funnel: every attempt started; seven submitted; six scored; two hold a current
    # certificate (the revoked one does not, the reissued one counts once).
    assert _rows(html, "t-funnel") == [["Started", "9", "100.0%"], ["Submitted", "7", "77.8%"],
                                       ["Scored", "6", "66.7%"], ["Certified", "2", "22.2%"]]
    funnel = _csv(client, "funnel")
    assert [(r["stage"], r["count"]) for r in funnel] == [
        ("started", "9"), ("submitted", "7"), ("scored", "6"), ("certified", "2")]
    assert float(funnel[3]["share_of_started"]) == pytest.approx(2 / 9, abs=1e-6)

    # Tiers, lowest first after the attempts that reached none.
    assert _rows(html, "t-tiers") == [["No tier", "—", "1", "16.7%"],
                                      ["Generalist", "60.0%", "2", "33.3%"],
                                      ["Specialist", "75.0%", "1", "16.7%"],
                                      ["Expert", "85.0%", "2", "33.3%"]]
    assert [(r["tier"], r["name"], r["min_overall"], r["count"])
            for r in _csv(client, "tiers")] == [
        ("", "No tier", "", "1"), ("generalist", "Generalist", "0.6", "2"),
        ("specialist", "Specialist", "0.75", "1"), ("expert", "Expert", "0.85", "2")]

    # Distribution: 20 bins of 5 points; a score on an edge starts its bin, 100% is in the last.
    counts = {row[0]: int(row[1]) for row in _rows(html, "t-distribution")}
    assert len(counts) == 20 and sum(counts.values()) == 6
    assert {label: n for label, n in counts.items() if n} == {
        "[40%, 45%)": 1, "[60%, 65%)": 1, "[70%, 75%)": 1, "[75%, 80%)": 1, "[90%, 95%)": 1,
        "[95%, 100%]": 1}
    distribution = _csv(client, "distribution")
    assert [(float(r["from"]), float(r["to"]), int(r["count"])) for r in distribution][12] == \
        (0.6, 0.65, 1)
    assert sum(int(r["count"]) for r in distribution) == 6

    # The charts draw exactly these numbers.
    data = _chart_data(html)
    assert [b["count"] for b in data["distribution"]["bins"]] == \
        [int(r["count"]) for r in distribution]
    assert data["distribution"]["cuts"] == [{"name": "Generalist", "at": 60.0},
                                           {"name": "Specialist", "at": 75.0},
                                           {"name": "Expert", "at": 85.0}]
    assert data["tiers"] == [{"name": "No tier", "count": 1}, {"name": "Generalist", "count": 2},
                             {"name": "Specialist", "count": 1}, {"name": "Expert", "count": 2}]
    assert [s["count"] for s in data["funnel"]] == [9, 7, 6, 2]


def test_items_come_from_the_item_analysis(quiet, make_user, login, imported):
    """Real attempts, graded to the end: scored, certified, and in the item scatter."""
    finished_attempts(quiet, make_user, 2)
    grade_all(quiet, make_user("grader@example.org", "grader"))
    client = login("admin@example.org", role="admin")
    html = client.get(OVERVIEW).text
    assert _rows(html, "t-funnel") == [["Started", "2", "100.0%"], ["Submitted", "2", "100.0%"],
                                       ["Scored", "2", "100.0%"], ["Certified", "2", "100.0%"]]
    with quiet.app_context():
        from assess.services import analysis
        expected = analysis.item_statistics(SCREENING, first_attempts_only=True).items
    assert expected, "the item analysis found no items"
    items = _rows(html, "t-items")
    assert [row[0] for row in items] == [item.label for item in expected]
    exported = _csv(client, "items")
    assert [(r["item"], r["type"], int(r["n"])) for r in exported] == \
        [(item.label, item.type, item.n) for item in expected]
    for row, item in zip(exported, expected):
        assert (float(row["facility"]) if row["facility"] else None) == (
            None if item.facility is None else pytest.approx(item.facility, abs=1e-6))
    plotted = _chart_data(html)["items"]
    assert len(plotted) == sum(item.facility is not None and item.discrimination is not None
                               for item in expected)
    for point in plotted:
        item = next(i for i in expected if i.label == point["label"])
        assert point["facility"] == pytest.approx(100 * item.facility, abs=0.01)
        assert point["flagged"] == bool(item.flags)


def test_only_admins_see_it(app, client, make_user, imported):
    assert client.get(OVERVIEW).status_code == 302  # to sign in
    for role in ("applicant", "grader", "lead"):
        make_user(f"{role}@example.org", role)
        client.post("/auth/login", data={"email": f"{role}@example.org", "password": PASSWORD})
        assert client.get(OVERVIEW).status_code == 403, role
        assert client.get(f"{OVERVIEW}.csv?table=funnel").status_code == 403, role
        client.post("/auth/logout")


def test_unknown_assessment_or_table_is_not_found(login, imported):
    client = login("admin@example.org", role="admin")
    assert client.get("/admin/assessments/no-such/overview").status_code == 404
    assert client.get("/admin/assessments/no-such/overview.csv?table=funnel").status_code == 404
    assert client.get(f"{OVERVIEW}.csv?table=secrets").status_code == 404
    assert client.get(f"{OVERVIEW}.csv").status_code == 404


def test_an_empty_assessment_and_the_link_from_the_assessments_page(login, imported):
    client = login("admin@example.org", role="admin")
    assert f'href="{OVERVIEW}"' in client.get("/admin/assessments").text
    html = client.get(OVERVIEW).text
    assert _rows(html, "t-funnel")[0] == ["Started", "0", "—"]
    assert "No item statistics yet" in html
    assert _csv(client, "items") == []
    practice = client.get("/admin/assessments/practice/overview")
    assert practice.status_code == 200 and "A practice test is never scored." in practice.text


def test_the_page_says_how_to_get_the_charts(app, login, imported, monkeypatch):
    from assess.services import overview
    client = login("admin@example.org", role="admin")
    monkeypatch.setattr(overview, "charts_available", lambda folder: True)
    html = client.get(OVERVIEW).text
    # versioned URLs (?v=<content hash>) when the file is there
    assert re.search(r'<script src="/static/vendor/chart\.umd\.js(\?v=\w+)?" defer></script>', html)
    assert re.search(r'<script src="/static/js/charts\.js\?v=\w+" defer></script>', html)
    assert "make vendor" not in html
    assert not re.search(r"<script>(?!\s*</script>)", html)  # no inline script, no handlers
    assert " onload=" not in html and " onclick=" not in html
    monkeypatch.setattr(overview, "charts_available", lambda folder: False)
    html = client.get(OVERVIEW).text
    assert "make vendor" in html and "chart.umd.js" not in html
    assert _rows(html, "t-funnel")  # the tables are all there
