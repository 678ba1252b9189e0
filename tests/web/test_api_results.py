"""Reading results over the API: assessments with ranked tiers, one candidate, attempts page
by page, certificates in both signed forms with their status, and streamed exports; only the
platform's own candidates appear."""
from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass
from datetime import timedelta

import pytest
from exam_support import set_clock
from grading_support import finished_attempts, grade_all
from helpers import FIXED_NOW
from platform_support import bearer, link_candidate, platform_with_key
from sqlalchemy import select


@dataclass(frozen=True)
class Results:
    acme: str  # keys
    rival: str
    certificates: dict[str, str]  # external id → public id


@pytest.fixture
def results(app, make_user, imported, quiet) -> Results:
    """Three scored screening attempts with Expert certificates: two by Acme's candidates
    (w-0, w-1), one by Rival's (r-2)."""
    from assess.extensions import db
    from assess.models import Certificate
    users = finished_attempts(app, make_user, 3)
    for grader in ("grader1@example.org", "grader2@example.org"):  # some tasks need two
        grade_all(app, make_user(grader, "grader"))
    _, acme = platform_with_key(app, "Acme Labels")
    _, rival = platform_with_key(app, "Rival Data")
    ids = {"w-0": users[0], "w-1": users[1], "r-2": users[2]}
    for external_id, user_id in ids.items():
        link_candidate(app, rival if external_id.startswith("r") else acme, user_id,
                       external_id)
    with app.app_context():
        by_user = {c.user_id: c.public_id for c in db.session.scalars(select(Certificate))}
    return Results(acme, rival, {e: by_user[u] for e, u in ids.items()})


def get(client, key, path, status=200, headers=None, **kwargs):
    answer = client.get(f"/api/v1{path}", headers={**bearer(key), **(headers or {})}, **kwargs)
    assert answer.status_code == status, answer.text
    return answer


def test_assessments_list_their_tiers_by_rank(app, client, imported):
    _, key = platform_with_key(app, scopes=["assessments:read"])
    found = {a["slug"]: a for a in get(client, key, "/assessments").json["assessments"]}
    screening = found["general-screening"]
    assert screening["mode"] == "timed" and screening["time_limit_minutes"] == 30
    assert [(t["name"], t["rank"]) for t in screening["tiers"]] == \
        [("Generalist", 1), ("Specialist", 2), ("Expert", 3)]
    assert found["practice"]["mode"] == "practice" and found["practice"]["tiers"] == []


def test_a_candidate_with_attempts_current_tiers_and_certificates(client, results):
    mine = get(client, results.acme, "/candidates/w-0").json
    assert mine["external_id"] == "w-0"
    [attempt] = mine["attempts"]
    assert attempt["status"] == "scored" and attempt["assessment"] == "general-screening"
    assert attempt["tier"] == {"slug": "expert", "name": "Expert", "rank": 3}
    assert 0.9 < attempt["score"] <= 1 and attempt["skills"]["judgment"] > 0.9
    assert mine["tiers"] == [{
        "domain": "general", "assessment": "general-screening", "slug": "expert",
        "name": "Expert", "rank": 3, "certificate": results.certificates["w-0"],
        "valid_until": mine["certificates"][0]["valid_until"]}]
    assert [(c["id"], c["status"]) for c in mine["certificates"]] == \
        [(results.certificates["w-0"], "valid")]
    get(client, results.acme, "/candidates/r-2", status=404)
    get(client, results.acme, "/candidates/nobody", status=404)


def test_attempts_come_a_page_at_a_time_with_an_opaque_cursor(client, results):
    first = get(client, results.acme, "/attempts?limit=1").json
    assert len(first["attempts"]) == 1 and first["next_cursor"]
    second = get(client, results.acme, "/attempts", query_string={
        "limit": 1, "cursor": first["next_cursor"]}).json
    assert second["next_cursor"] is None
    seen = [a["external_id"] for a in first["attempts"] + second["attempts"]]
    assert seen == ["w-0", "w-1"]  # never Rival's r-2
    assert get(client, results.rival, "/attempts").json["attempts"][0]["external_id"] == "r-2"
    everything = get(client, results.acme, "/attempts").json
    assert everything["next_cursor"] is None and len(everything["attempts"]) == 2

    def count(query):
        return len(get(client, results.acme, f"/attempts?{query}").json["attempts"])
    assert count("status=scored") == 2 and count("status=in_progress") == 0
    assert count("assessment=general-screening") == 2 and count("assessment=practice") == 0
    assert count("since=2026-11-23T11:00:00Z") == 2 and count("since=2026-11-24T00:00:00Z") == 0
    bad = get(client, results.acme, "/attempts?cursor=bm9wZQ", status=400)
    assert bad.json["error"]["code"] == "invalid_cursor"
    get(client, results.acme, "/attempts?limit=201", status=422)


def test_exports_stream_csv_and_jsonl(client, results):
    listed = get(client, results.acme, "/attempts").json["attempts"]
    as_csv = get(client, results.acme, "/exports/results.csv")
    assert as_csv.is_streamed and as_csv.mimetype == "text/csv"
    assert 'filename="results.csv"' in as_csv.headers["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(as_csv.text)))
    assert [r["external_id"] for r in rows] == ["w-0", "w-1"]
    assert [int(r["attempt_id"]) for r in rows] == [a["id"] for a in listed]
    assert {r["tier"] for r in rows} == {"expert"} and {r["tier_rank"] for r in rows} == {"3"}
    assert json.loads(rows[0]["skills"]) == pytest.approx(listed[0]["skills"])
    assert float(rows[0]["score"]) == pytest.approx(listed[0]["score"])
    assert rows[0]["scored_at"] == listed[0]["scored_at"]

    as_jsonl = get(client, results.acme, "/exports/results.jsonl?status=scored")
    assert as_jsonl.is_streamed and as_jsonl.mimetype == "application/jsonl"
    lines = [json.loads(line) for line in as_jsonl.text.splitlines()]
    assert [line["attempt_id"] for line in lines] == [a["id"] for a in listed]
    assert lines[0]["skills"] == listed[0]["skills"] and lines[0]["tier_name"] == "Expert"
    empty = get(client, results.acme, "/exports/results.jsonl?assessment=practice")
    assert empty.text == ""
    assert get(client, results.acme, "/exports/results.csv?status=x", status=422).json[
        "error"]["field"] == "status"


def test_a_certificate_in_both_forms_with_its_status(app, client, results):
    from assess.services import accounts, certificates
    public_id = results.certificates["w-1"]
    as_json = get(client, results.acme, f"/certificates/{public_id}").json
    assert as_json["status"] == "valid" and as_json["external_id"] == "w-1"
    assert as_json["credential"]["id"].endswith(public_id)
    assert as_json["tier"] == {"slug": "expert", "name": "Expert", "rank": 3}
    as_jwt = get(client, results.acme, f"/certificates/{public_id}?format=jwt")
    assert as_jwt.mimetype == "application/jwt" and as_jwt.text.count(".") == 2
    assert as_jwt.headers["Certificate-Status"] == "valid"
    negotiated = get(client, results.acme, f"/certificates/{public_id}",
                     headers={"Accept": "application/jwt"})
    assert negotiated.text == as_jwt.text
    get(client, results.acme, f"/certificates/{results.certificates['r-2']}", status=404)
    get(client, results.acme, "/certificates/not-a-uuid", status=404)
    get(client, results.acme, f"/certificates/{public_id}?format=xml", status=422)

    set_clock(app, FIXED_NOW + timedelta(days=800))
    assert get(client, results.acme, f"/certificates/{public_id}").json["status"] == "expired"
    set_clock(app, FIXED_NOW)
    with app.app_context():
        admin = accounts.create_user("admin@example.org", "Admin", "a long password", "admin",
                                     now=FIXED_NOW, min_length=10)
        certificates.revoke(public_id, admin.id, "Found copying answers.", FIXED_NOW)
    revoked = get(client, results.acme, f"/certificates/{public_id}").json
    assert revoked["status"] == "revoked"
    assert revoked["revocation_reason"] == "Found copying answers."
    assert get(client, results.acme, "/candidates/w-1").json["tiers"] == []
