"""Static files under versioned URLs cached for a year, and compressed answers that keep
their security headers, ETags and streams."""
from __future__ import annotations

import gzip
import hashlib
import json
import re
from pathlib import Path

import brotli
import pytest
from grading_support import finished_attempts, top_levels
from helpers import FIXED_NOW
from platform_support import bearer, platform_with_key

from assess.settings import reconfigure
from assess.web.headers import CSP
from assess.web.static_files import IMMUTABLE, SHORT

ROOT_STATIC = Path(__file__).resolve().parents[2] / "static"


@pytest.fixture
def status_list(app, client, make_user, imported) -> str:
    """The path of the status list of a freshly issued certificate."""
    from assess.extensions import db
    from assess.models import Certificate
    from assess.services import grading
    reconfigure(app, GRADING_DOUBLE_SHARE=0.0, GRADING_CALIBRATION_RATE=0.0)
    finished_attempts(app, make_user, 1)
    grader = make_user("grader@example.org", "grader")
    with app.app_context():
        task_id = grading.claim_next(grader, FIXED_NOW)
        while task_id is not None:
            task_id = grading.submit_grade(task_id, grader, top_levels(app, task_id), "",
                                           FIXED_NOW)
        public_id = db.session.scalar(db.select(Certificate.public_id))
    entry = client.get(f"/certificates/{public_id}.json").json["credentialStatus"]
    return entry["statusListCredential"].removeprefix("https://assess.test")


def _app_css(client) -> str:
    page = client.get("/auth/login").text
    return re.search(r'href="(/static/css/app\.css\?v=[0-9a-f]{12})"', page).group(1)


def test_pages_link_static_files_by_content_hash(client):
    url = _app_css(client)
    digest = hashlib.sha256((ROOT_STATIC / "css" / "app.css").read_bytes()).hexdigest()
    assert url.endswith(f"?v={digest[:12]}")
    page = client.get("/auth/login").text
    assert re.search(r'href="/static/favicon\.svg\?v=[0-9a-f]{12}"', page)


def test_a_static_file_does_not_vary_by_cookie(client, login):
    """Shared caches may keep one copy for everyone, signed in or not."""
    url = _app_css(client)
    assert "cookie" not in client.get(url).headers.get("Vary", "").lower()
    signed_in = login("applicant@example.org")
    reply = signed_in.get(url)
    assert reply.status_code == 200 and "Set-Cookie" not in reply.headers
    assert "cookie" not in reply.headers.get("Vary", "").lower()
    assert "cookie" in signed_in.get("/").headers["Vary"].lower()  # pages still do


def test_a_versioned_file_is_immutable_and_others_short_lived(client):
    url = _app_css(client)
    reply = client.get(url)
    assert reply.status_code == 200
    assert reply.headers["Cache-Control"] == IMMUTABLE == "public, max-age=31536000, immutable"
    assert reply.headers["Content-Security-Policy"] == CSP
    assert reply.data == (ROOT_STATIC / "css" / "app.css").read_bytes()
    again = client.get(url, headers={"If-None-Match": reply.headers["ETag"]})
    assert again.status_code == 304 and again.headers["Cache-Control"] == IMMUTABLE
    for unversioned in ("/static/css/app.css", "/static/css/app.css?v=000000000000"):
        reply = client.get(unversioned)
        assert reply.status_code == 200 and reply.headers["Cache-Control"] == SHORT
    assert client.get("/static/css/none.css?v=000000000000").status_code == 404


def test_a_static_file_is_sent_compressed(client):
    url = _app_css(client)
    reply = client.get(url, headers={"Accept-Encoding": "br"})
    assert reply.headers["Content-Encoding"] == "br"
    assert reply.headers["Cache-Control"] == IMMUTABLE
    assert brotli.decompress(reply.data) == (ROOT_STATIC / "css" / "app.css").read_bytes()
    assert "Accept-Encoding" in reply.headers["Vary"]


def test_a_page_is_compressed_and_keeps_its_headers(login):
    client = login("someone@example.org")
    plain = client.get("/account")
    assert "Content-Encoding" not in plain.headers  # the client did not ask for it
    reply = client.get("/account", headers={"Accept-Encoding": "gzip"})
    assert reply.status_code == 200 and reply.headers["Content-Encoding"] == "gzip"
    assert len(reply.data) < len(plain.data)
    page = gzip.decompress(reply.data).decode()
    assert "<html" in page and "someone@example.org" in page
    assert reply.headers["Content-Security-Policy"] == CSP
    assert reply.headers["Cache-Control"] == "no-store"
    assert "Accept-Encoding" in reply.headers["Vary"]
    brotli_reply = client.get("/account", headers={"Accept-Encoding": "br, gzip"})
    assert brotli_reply.headers["Content-Encoding"] == "br"
    assert "someone@example.org" in brotli.decompress(brotli_reply.data).decode()


def test_tiny_answers_are_not_compressed(client):
    reply = client.get("/healthz", headers={"Accept-Encoding": "gzip, br"})
    assert reply.status_code == 200 and len(reply.data) < 500
    assert "Content-Encoding" not in reply.headers


def test_a_compressed_status_list_still_answers_conditional_requests(client, status_list):
    path = status_list
    plain = client.get(path)
    reply = client.get(path, headers={"Accept-Encoding": "gzip"})
    assert reply.headers["Content-Encoding"] == "gzip"
    assert json.loads(gzip.decompress(reply.data)) == plain.json
    assert reply.headers["ETag"] == plain.headers["ETag"][:-1] + ':gzip"'
    again = client.get(path, headers={"Accept-Encoding": "gzip",
                                      "If-None-Match": reply.headers["ETag"]})
    assert again.status_code == 304 and not again.data
    unchanged = client.get(path, headers={"If-None-Match": plain.headers["ETag"]})
    assert unchanged.status_code == 304


def test_exports_still_stream_uncompressed(app, client):
    _, key = platform_with_key(app)
    reply = client.get("/api/v1/exports/results.csv",
                       headers={**bearer(key), "Accept-Encoding": "gzip, br"})
    assert reply.status_code == 200 and reply.is_streamed
    assert "Content-Encoding" not in reply.headers
    assert reply.text.splitlines()[0].startswith("attempt_id")
