"""Choosing notification mails on /account/notifications, and the invitation mail a platform's
API call sends to the invited address."""
from __future__ import annotations

import mail_support
from mail_support import link_in, path_of, plain_text
from platform_support import bearer, platform_with_key
from sqlalchemy import func, select

EMAIL = "someone@example.org"

smtp_server = mail_support.smtp_server  # registers the fixture here


def _user(app, email=EMAIL):
    from assess.services import accounts
    with app.app_context():
        user = accounts.find_by_email(email)
        return user.notify_results, user.notify_certificates, user.notify_appeals


def test_the_account_page_links_to_the_choices_all_on_at_first(app, login):
    client = login()
    assert 'href="/account/notifications"' in client.get("/account").text
    page = client.get("/account/notifications")
    assert page.status_code == 200
    for name in ("notify_results", "notify_certificates", "notify_appeals"):
        assert f'id="{name}"' in page.text
    assert page.text.count("checked") == 3
    assert _user(app) == (True, True, True)


def test_unticking_a_box_saves_it_once_and_logs_it(app, login):
    from assess.extensions import db
    from assess.models import AccountEvent
    client = login()
    saved = client.post("/account/notifications",
                        data={"notify_results": "y", "notify_appeals": "y"})
    assert saved.status_code == 302 and saved.location.endswith("/account/notifications")
    assert _user(app) == (True, False, True)
    page = client.get("/account/notifications").text
    assert "Your notification choices are saved." in page and page.count("checked") == 2
    client.post("/account/notifications", data={"notify_results": "y", "notify_appeals": "y"})
    with app.app_context():
        events = db.session.scalars(select(AccountEvent).where(
            AccountEvent.action == "notifications_changed")).all()
        assert [e.detail for e in events] == [{"notify_certificates": False}]


def test_the_choices_need_a_signed_in_user_and_a_csrf_token(app, client, login):
    assert client.get("/account/notifications").status_code == 302
    signed_in = login()
    app.config["WTF_CSRF_ENABLED"] = True
    refused = signed_in.post("/account/notifications", data={})
    assert refused.status_code == 400
    assert _user(app) == (True, True, True)


def _stored_mails(app) -> int:
    from assess.extensions import db
    from assess.models import MailMessage
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(MailMessage))


def test_an_invitation_is_mailed_to_the_invitee_with_its_link(app, client, imported,
                                                              smtp_server):
    _, key = platform_with_key(app, "Acme Labels")
    made = client.post("/api/v1/invitations", headers=bearer(key), json={
        "email": "Ann@Example.org", "external_id": "worker-17",
        "assessment": "general-screening"})
    assert made.status_code == 201
    assert set(made.json) == {"id", "email", "external_id", "assessment", "status",
                              "created_at", "expires_at", "accepted_at", "revoked_at", "link"}
    (invitation,) = smtp_server.wait_for(1)
    assert str(invitation["To"]) == "ann@example.org"
    assert str(invitation["Subject"]).strip() == \
        "Acme Labels invites you to General AI answer review screening"
    assert link_in(invitation, "/invitations/") == made.json["link"]
    assert "until 07 December 2026, 12:00 UTC" in plain_text(invitation)
    assert "/account/notifications" not in plain_text(invitation)  # not an account's mail
    page = client.get(path_of(made.json["link"]))
    assert "Acme Labels invites you" in page.text


def test_a_replayed_request_mails_no_second_time(app, client, smtp_server):
    _, key = platform_with_key(app, "Acme Labels")
    headers = {**bearer(key), "Idempotency-Key": "invite-ann-1"}
    body = {"email": "ann@example.org", "external_id": "worker-17"}
    first = client.post("/api/v1/invitations", headers=headers, json=body)
    again = client.post("/api/v1/invitations", headers=headers, json=body)
    assert first.status_code == again.status_code == 201 and first.json == again.json
    (only,) = smtp_server.wait_for(1)
    assert link_in(only, "/invitations/") == first.json["link"]
    assert _stored_mails(app) == 1


def test_a_platform_may_send_the_link_itself(app, client, smtp_server):
    _, key = platform_with_key(app, "Acme Labels")
    made = client.post("/api/v1/invitations", headers=bearer(key), json={
        "email": "ann@example.org", "external_id": "worker-17", "send_email": False})
    assert made.status_code == 201 and made.json["link"]
    assert _stored_mails(app) == 0 and smtp_server.messages == []


def test_no_invitation_mail_to_a_deactivated_account(app, client, make_user, smtp_server):
    from assess.extensions import db
    from assess.models import User
    user_id = make_user("ann@example.org")
    with app.app_context():
        db.session.get(User, user_id).active = False
        db.session.commit()
    _, key = platform_with_key(app, "Acme Labels")
    made = client.post("/api/v1/invitations", headers=bearer(key), json={
        "email": "ann@example.org", "external_id": "worker-17"})
    assert made.status_code == 201
    assert _stored_mails(app) == 0


def test_the_openapi_document_describes_the_opt_out(client):
    document = client.get("/api/v1/openapi.json").json
    schemas = document["components"]["schemas"]
    field = schemas["InvitationIn"]["properties"]["send_email"]
    assert field["type"] == "boolean" and field["default"] is True
    assert "send_email" not in schemas["InvitationIn"].get("required", [])
