"""Admins register platforms and manage their keys: a new key is shown once, rotation keeps
the old one for the overlap, revocation is immediate; and the same from the command line."""
from __future__ import annotations

import re
from datetime import timedelta

from exam_support import set_clock
from helpers import FIXED_NOW
from platform_support import bearer, platform_with_key

KEY = re.compile(r"ak_live_[a-z0-9]{8}_[A-Za-z0-9_-]{43}")


def api_status(client, key):
    return client.get("/api/v1/assessments", headers=bearer(key)).status_code


def test_platforms_and_keys_from_the_admin_pages(app, client, login):
    login("admin@example.org", role="admin")
    made = client.post("/admin/platforms", data={"name": "Acme Labels",
                                                 "contact_email": "ops@acme.example"})
    assert made.status_code == 302
    page_url = made.headers["Location"]
    again = client.post("/admin/platforms", data={"name": "Acme Labels",
                                                  "contact_email": "ops@acme.example"})
    assert again.status_code == 422 and "already exists" in again.text

    created = client.post(page_url, data={"scopes": ["assessments:read", "results:read"],
                                          "note": "nightly sync"})
    assert created.status_code == 201 and created.headers["Cache-Control"] == "no-store"
    [key] = KEY.findall(created.text)
    assert api_status(client, key) == 200
    listing = client.get(page_url).text
    assert key[:16] in listing and key not in listing and "nightly sync" in listing
    assert "23 Nov 2026 12:00 UTC" in listing  # last used
    assert client.post(page_url, data={"note": "no scope"}).status_code == 422

    key_id = int(re.search(r"/admin/api-keys/(\d+)/rotate", listing).group(1))
    rotated = client.post(f"/admin/api-keys/{key_id}/rotate", data={"overlap_hours": "1"})
    assert rotated.status_code == 201 and "keeps working for 1 more hour" in rotated.text
    [new_key] = KEY.findall(rotated.text)
    set_clock(app, FIXED_NOW + timedelta(minutes=30))
    assert api_status(client, key) == 200 and api_status(client, new_key) == 200
    set_clock(app, FIXED_NOW + timedelta(hours=1))
    assert api_status(client, key) == 401

    new_id = int(re.findall(r"/admin/api-keys/(\d+)/revoke", client.get(page_url).text)[-1])
    client.post(f"/admin/api-keys/{new_id}/revoke")
    assert api_status(client, new_key) == 401
    assert "Acme Labels" in client.get("/admin/platforms").text


def test_only_admins_manage_platforms(client, login):
    login("lead@example.org", role="lead")
    assert client.get("/admin/platforms").status_code == 403


def test_platforms_and_keys_from_the_command_line(app, runner, client):
    made = runner.invoke(args=["platforms", "create", "Acme Labels", "--contact",
                               "ops@acme.example"])
    assert made.exit_code == 0 and "Registered platform Acme Labels" in made.output
    assert runner.invoke(args=["platforms", "create", "Acme Labels", "--contact",
                               "ops@acme.example"]).exit_code == 1
    created = runner.invoke(args=["api-keys", "create", "Acme Labels", "--scope",
                                  "results:read", "--note", "warehouse"])
    assert created.exit_code == 0, created.output
    [key] = KEY.findall(created.output)
    assert client.get("/api/v1/attempts", headers=bearer(key)).status_code == 200
    listed = runner.invoke(args=["api-keys", "list"]).output
    assert key[:16] in listed and "active" in listed and "warehouse" in listed
    assert key not in listed and key[:16] in runner.invoke(args=["platforms", "list"]).output

    rotated = runner.invoke(args=["api-keys", "rotate", key[:16], "--overlap-hours", "2"])
    assert rotated.exit_code == 0 and "works until 2026-11-23 14:00" in rotated.output
    [new_key] = KEY.findall(rotated.output)
    assert client.get("/api/v1/attempts", headers=bearer(new_key)).status_code == 200
    assert runner.invoke(args=["api-keys", "revoke", key[:16]]).exit_code == 0
    assert client.get("/api/v1/attempts", headers=bearer(key)).status_code == 401
    again = runner.invoke(args=["api-keys", "revoke", key[:16]])
    assert again.exit_code == 1 and "already revoked" in again.output
    unknown = runner.invoke(args=["api-keys", "create", "Nobody"])
    assert unknown.exit_code == 1 and "No platform named" in unknown.output



def test_every_platform_form_carries_a_csrf_token(app, client, login):
    login("admin@example.org", role="admin")
    platform_id, _ = platform_with_key(app)
    app.config["WTF_CSRF_ENABLED"] = True
    page = client.get(f"/admin/platforms/{platform_id}").text
    forms = re.findall(r"<form method=\"post\".*?</form>", page, re.S)
    assert len(forms) == 4  # rotate, revoke, create a key, sign out
    assert all('name="csrf_token"' in form for form in forms)
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
    key_id = re.search(r"/admin/api-keys/(\d+)/rotate", page).group(1)
    assert client.post(f"/admin/api-keys/{key_id}/rotate",
                       data={"overlap_hours": "0"}).status_code == 400
    rotated = client.post(f"/admin/api-keys/{key_id}/rotate",
                          data={"overlap_hours": "0", "csrf_token": token})
    assert rotated.status_code == 201
