"""Admins see how many attempts showed each item and item version; nobody else does."""
from __future__ import annotations

import re

from helpers import FIXED_NOW

from assess.services.attempts import start_attempt

PASSWORD = "correct horse battery"


def test_admin_sees_how_often_each_item_was_shown(app, client, make_user, imported):
    applicant = make_user("applicant@example.org")
    make_user("admin@example.org", "admin")
    make_user("lead@example.org", "lead")
    with app.app_context():
        attempt = start_attempt(applicant, "general-screening", FIXED_NOW, seed=4)
        shown = sorted(r.item_version.item.slug for r in attempt.responses)
    client.post("/auth/login", data={"email": "lead@example.org", "password": PASSWORD})
    assert client.get("/admin/exposure").status_code == 403
    client.post("/auth/logout")
    client.post("/auth/login", data={"email": "admin@example.org", "password": PASSWORD})
    page = client.get("/admin/exposure").text
    assert 'href="/admin/exposure"' in page  # in the admin menu
    assert f"shown {len(shown)} times" in page
    for slug in shown:
        row = re.search(rf'<tr id="exposure-starter-{re.escape(slug)}">(.*?)</tr>', page, re.S)
        assert row and "<td>1</td><td>0</td><td>0</td>" in row.group(1)
        assert "v1: 1" in row.group(1)
    never = re.findall(r'<tr id="exposure-starter-[^"]+">.*?<td>0</td><td>0</td><td>0</td>',
                       page, re.S)
    assert never  # items no attempt drew are listed too
