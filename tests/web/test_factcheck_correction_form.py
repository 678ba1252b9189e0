"""The fact-check correction box: required where a claim is labelled false, scored only for
claims that really are false, and no longer "(optional)"."""
from __future__ import annotations

import re

import pytest
from markupsafe import Markup
from sqlalchemy import select

SCREENING = "general-screening"
REQUIRED = "correction — required if you label this claim false"
SCORED = ("Graders score a correction only when the claim really is false; a false claim with "
          "no correction scores 0 for it. A claim wrongly labelled false loses its label "
          "credit, and its correction earns nothing.")


@pytest.fixture
def applicant(login, imported):
    return login("applicant@example.org")


def text_of(html: str) -> str:
    return " ".join(Markup(html).striptags().split())


def factcheck_items(app, client):
    from assess.extensions import db
    from assess.models import Response
    reply = client.post(f"/assessments/{SCREENING}/start")
    assert reply.status_code == 302, reply.text
    attempt_id = int(re.search(r"/attempts/(\d+)/", reply.location).group(1))
    with app.app_context():
        rows = db.session.scalars(select(Response).where(Response.attempt_id == attempt_id)
                                  .order_by(Response.position)).all()
        found = [(r.position, r.item_version.content) for r in rows
                 if r.item_version.content["type"] == "factcheck"]
    assert found, "the screening draws no fact-check item"
    return attempt_id, found


def correction_labels(html: str) -> list[str]:
    return [text_of(label) for label in
            re.findall(r'<label for="[^"]*-corrections-\d+">(.*?)</label>', html, re.S)]


def test_the_correction_hint_says_required_and_scored_only_for_false_claims(app, applicant):
    attempt_id, items = factcheck_items(app, applicant)
    for position, content in items:
        html = applicant.get(f"/attempts/{attempt_id}/items/{position}").text
        labels = correction_labels(html)
        assert len(labels) == len(content["claims"])
        for n, label in enumerate(labels, 1):
            assert label.startswith(f"Claim {n} {REQUIRED}"), label
            assert "optional" not in label.lower()
        text = text_of(html)
        assert text.count(SCORED) == len(content["claims"])
        assert "write the correct statement (optional)" not in text
        # Each box is described by its hint, so screen readers read it with the box.
        for box in re.findall(r'<textarea id="([^"]+-corrections-\d+)"[^>]*>', html):
            described = re.search(rf'<textarea id="{box}"[^>]*aria-describedby="([^"]+)"',
                                  html).group(1).split()
            assert f"{box}-hint" in described and f"{box}-limits" in described
            assert f'id="{box}-hint"' in html


def test_the_sample_on_the_instructions_page_says_the_same(applicant):
    text = text_of(applicant.get(f"/assessments/{SCREENING}").text)
    assert f"Claim 2 {REQUIRED}" in text and SCORED in text
    assert "write the correct statement (optional)" not in text


def test_a_claim_labelled_false_without_a_correction_is_not_complete(app, applicant):
    attempt_id, items = factcheck_items(app, applicant)
    position, content = items[0]
    labels = {c["id"]: "false" for c in content["claims"]}
    url = f"/attempts/{attempt_id}/items/{position}/autosave"
    reply = applicant.post(url, json={"revision": 1, "answer": {"labels": labels}})
    assert reply.status_code == 200 and reply.json["complete"] is False
    answer = {"labels": labels, "corrections": {c: "The correct statement." for c in labels}}
    if content.get("justification"):
        answer["justification"] = "Because. " * (content["justification"].get("min_chars", 0)
                                                 // 9 + 1)
    reply = applicant.post(url, json={"revision": 2, "answer": answer})
    assert reply.status_code == 200 and reply.json["complete"] is True
