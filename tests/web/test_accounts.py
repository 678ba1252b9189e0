"""Registration, login, logout, CSRF and role checks through the test client."""
import re

import pytest
from helpers import FIXED_NOW

from assess import create_app


def test_register_then_see_the_catalogue(client, imported):
    response = client.post("/auth/register", data={
        "name": "Ada", "email": "Ada@Example.org", "password": "a long password",
        "confirm": "a long password"})
    assert response.status_code == 302
    page = client.get("/")
    assert page.status_code == 200
    assert "General AI answer review screening" in page.text or "Practice" in page.text
    assert "Ada" in page.text


def test_register_errors_rerender_with_messages(client, make_user):
    response = client.post("/auth/register", data={
        "name": "X", "email": "new@example.org", "password": "short", "confirm": "short"})
    assert response.status_code == 400 and "at least 12 characters" in response.text
    response = client.post("/auth/register", data={
        "name": "X", "email": "new@example.org", "password": "a long password",
        "confirm": "another one!"})
    assert "The passwords differ." in response.text


def _aria(page: str) -> list[tuple[str, str]]:
    return re.findall(r'\b(aria-[a-z]+)="([^"]*)"', page)


def _described_ids_exist(page: str) -> None:
    for name, value in _aria(page):
        if name == "aria-describedby":
            for target in value.split():
                assert f'id="{target}"' in page, f"aria-describedby points at missing {target}"


def test_form_fields_only_point_aria_at_what_is_there(client, make_user):
    for path in ("/auth/login", "/auth/register"):
        page = client.get(path).text
        assert _aria(page), path  # the check below looks at real attributes
        assert [a for a in _aria(page) if "None" in a[1]] == [], path
        _described_ids_exist(page)
    register = client.get("/auth/register").text
    assert 'aria-describedby="password-hint"' in register
    email_input = re.search(r'<input[^>]*id="email"[^>]*>', register).group(0)
    assert "aria-" not in email_input  # no hint, no error: nothing to point to
    failed = client.post("/auth/register", data={
        "name": "X", "email": "new@example.org", "password": "short", "confirm": "short"})
    assert failed.status_code == 400
    assert 'aria-describedby="password-errors password-hint"' in failed.text
    assert [a for a in _aria(failed.text) if "None" in a[1]] == []
    _described_ids_exist(failed.text)
    login = client.post("/auth/login", data={"email": "", "password": ""})
    assert [a for a in _aria(login.text) if "None" in a[1]] == []
    _described_ids_exist(login.text)


def test_login_failure_and_logout(client, make_user):
    make_user("me@example.org")
    response = client.post("/auth/login", data={"email": "me@example.org", "password": "wrong"})
    assert response.status_code == 400 and "Email or password is wrong." in response.text
    assert client.get("/").status_code == 302
    client.post("/auth/login", data={"email": "me@example.org",
                                     "password": "correct horse battery"})
    assert client.get("/").status_code == 200
    client.post("/auth/logout")
    assert client.get("/").headers["Location"].startswith("/auth/login")


def test_login_never_redirects_off_site(client, make_user):
    make_user("me@example.org")
    response = client.post("/auth/login?next=//evil.example/x", data={
        "email": "me@example.org", "password": "correct horse battery"})
    assert response.headers["Location"] == "/"


def test_passwords_are_hashed(app, make_user):
    from assess.extensions import db
    from assess.models import User

    user_id = make_user("me@example.org")
    with app.app_context():
        user = db.session.get(User, user_id)
        assert "correct horse" not in user.password_hash and user.check_password(
            "correct horse battery")


def test_csrf_is_enforced(tmp_path):
    app = create_app({"TESTING": True, "SECRET_KEY": "x",
                      "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'c.sqlite3'}"})
    client = app.test_client()
    response = client.post("/auth/login", data={"email": "a@b.cd", "password": "x"})
    assert response.status_code == 400 and "form expired" in response.text
    response = client.post("/auth/login", data={"email": "a@b.cd"},
                           headers={"Accept": "application/json"})
    assert response.get_json()["error"]["code"] == "csrf"
    assert 'name="csrf_token"' in client.get("/auth/login").text


def test_role_required(app, login):
    from assess.web.auth import role_required

    @app.get("/lead-only")
    @role_required("lead")
    def lead_only():
        return "secret"

    client = login("me@example.org", role="grader")
    assert client.get("/lead-only").status_code == 403
    error = client.get("/lead-only", headers={"Accept": "application/json"}).get_json()["error"]
    assert (error["code"], error["field"]) == ("forbidden", None)
    assert error["message"].startswith("You don't have the permission to access")


def test_healthz_checks_the_database(client):
    response = client.get("/healthz")
    assert response.status_code == 200 and response.get_json()["database"] == "ok"


def test_catalogue_lists_assessment_facts(login, imported):
    page = login().get("/").text
    assert "30 minutes" in page and "Untimed" in page
    assert "2 of 2 left" in page and "Unlimited" in page
    assert "Generalist" in page and "Pairwise comparison" in page
    assert "72 hours" in page


def test_catalogue_page_has_no_gold_keys(login, imported, app):
    from sqlalchemy import select

    from assess.extensions import db
    from assess.models import ItemVersion

    page = login().get("/").text
    with app.app_context():
        for version in db.session.scalars(select(ItemVersion)):
            assert version.content["explanation"][:60] not in page


@pytest.mark.parametrize("path", ["/", "/auth/logout"])
def test_anonymous_users_are_sent_to_login(client, path):
    response = client.get(path) if path == "/" else client.post(path)
    assert response.status_code == 302 and "/auth/login" in response.headers["Location"]


def test_fixed_clock_is_injected(app):
    from assess import clock
    with app.app_context():
        assert clock.now() == FIXED_NOW


def test_a_registration_that_loses_the_race_for_its_address_is_answered_as_taken(
        app, client, monkeypatch):
    """Two registrations of one new address at once: the second one's insert hits the unique
    index after its lookup found nothing; it is answered like any taken address, not 500."""
    from assess.services import accounts
    monkeypatch.setattr(accounts, "find_by_email", lambda email: None)  # the lookup raced
    form = {"name": "Ada", "email": "ada@example.org", "password": "a fresh passphrase 42",
            "confirm": "a fresh passphrase 42"}
    assert client.post("/auth/register", data=form).status_code == 302
    with app.test_client() as other:
        second = other.post("/auth/register", data=form)
    assert second.status_code == 302
    with app.app_context():
        from sqlalchemy import func, select

        from assess.extensions import db
        from assess.models import User
        assert db.session.scalar(select(func.count()).select_from(User)) == 1
