"""No page or JSON of an open timed attempt carries a gold key or an explanation."""
from __future__ import annotations

import html
import json
import re

from sqlalchemy import select

from exam_support import gold_answer, gold_texts

SCREENING = "general-screening"


def _contents(app, attempt_id):
    from assess.extensions import db
    from assess.models import Response
    with app.app_context():
        return [(r.position, r.item_version.content) for r in db.session.scalars(
            select(Response).where(Response.attempt_id == attempt_id)
            .order_by(Response.position))]


def _json_keys(value):
    if isinstance(value, dict):
        for key, inner in value.items():
            yield key
            yield from _json_keys(inner)
    elif isinstance(value, list):
        for inner in value:
            yield from _json_keys(inner)


def test_no_response_of_an_open_timed_attempt_contains_a_gold_key(app, login, imported):
    client = login("applicant@example.org")
    bodies = [client.get("/").text, client.get(f"/assessments/{SCREENING}").text]
    start = client.post(f"/assessments/{SCREENING}/start")
    attempt_id = int(re.search(r"/attempts/(\d+)/", start.location).group(1))
    contents = _contents(app, attempt_id)
    json_bodies = []
    for position, content in contents:
        bodies.append(client.get(f"/attempts/{attempt_id}/items/{position}").text)
        reply = client.post(f"/attempts/{attempt_id}/items/{position}/autosave",
                            json={"revision": 1, "answer": gold_answer(content)})
        json_bodies.append(reply.json)
        # Reload after saving the right answer, and a refused form, and a stale save.
        bodies.append(client.get(f"/attempts/{attempt_id}/items/{position}").text)
        bodies.append(client.post(f"/attempts/{attempt_id}/items/{position}",
                                  data={"revision": "abc", "justification": "x"}).text)
        json_bodies.append(client.post(f"/attempts/{attempt_id}/items/{position}/autosave",
                                       json={"revision": 1, "answer": {}}).json)
    bodies.append(client.get(f"/attempts/{attempt_id}/review").text)
    bodies.append(client.post(f"/attempts/{attempt_id}/submit", data={}).text)
    json_bodies.append(client.get(f"/attempts/{attempt_id}/clock").json)

    secrets = [text for _, content in contents for text in gold_texts(content)]
    assert secrets
    for body in bodies:
        plain = html.unescape(re.sub(r"<[^>]+>", " ", body))
        plain = re.sub(r"\s+", " ", plain)
        for secret in secrets:
            words = re.sub(r"[*_`#>\[\]()]", "", secret)
            probe = re.sub(r"\s+", " ", words).strip()[:60]
            assert probe not in plain, f"gold text leaked: {probe!r}"
        assert "How you did" not in body
    for body in json_bodies:
        assert not {"gold", "explanation", "gold_corrections", "reference"} & \
            set(_json_keys(body)), json.dumps(body)
