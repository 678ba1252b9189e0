"""Credentials assess issues: they verify, and stop verifying after any change, revocation,
expiry or with a key the issuer never published."""
from __future__ import annotations

import copy
import json
from datetime import timedelta

import pytest
from credential_support import ISSUER_ID, NOW, Issued

from assess.credentials import credential, issuer, jose


@pytest.fixture
def issued(tmp_path):
    return Issued(tmp_path)


def leaves(value, path=()):
    if isinstance(value, dict):
        for key, inner in value.items():
            yield from leaves(inner, path + (key,))
    elif isinstance(value, list):
        for index, inner in enumerate(value):
            yield from leaves(inner, path + (index,))
    else:
        yield path, value


def changed(document, path, value):
    document = copy.deepcopy(document)
    target = document
    for step in path[:-1]:
        target = target[step]
    target[path[-1]] = value
    return document


def other(value):
    if isinstance(value, bool):
        return not value
    if isinstance(value, (int, float)):
        return value + 1
    if isinstance(value, str) and value[:4].isdigit() and "T" in value:
        return value.replace(value[:4], str(int(value[:4]) - 1), 1)
    return f"{value}x"


def test_a_fresh_credential_verifies(issued):
    verdict = issued.verify(issued.credential)
    assert verdict.status == "valid", verdict.reason
    assert verdict.ours and not verdict.warnings


def test_it_states_tier_domain_scores_and_dates_and_no_email(issued):
    text = json.dumps(issued.credential)
    assert "applicant@example.com" not in text
    subject = issued.credential["credentialSubject"]
    assert subject["achievement"]["name"] == "Expert — General AI answer review screening"
    assert {"value": "90", "type": ["Result"]}.items() <= subject["result"][0].items()
    required = {d["name"]: d.get("requiredValue")
                for d in subject["achievement"]["resultDescription"]}
    assert required == {"Overall score": "85", "Written reasoning": "70", "Judgment": None}
    assert issued.credential["validFrom"] == "2026-11-23T12:00:00Z"
    assert issued.credential["validUntil"] == "2027-11-23T12:00:00Z"
    identity = subject["identifier"][0]
    assert identity["identityHash"] == credential.identity_hash("Applicant@Example.com ", "9f1c2e")


def test_changing_any_single_field_breaks_verification(issued):
    paths = list(leaves(issued.credential))
    assert len(paths) > 40
    for path, value in paths:
        verdict = issued.verify(changed(issued.credential, path, other(value)))
        assert verdict.status != "valid", f"changing {path} went unnoticed"


def test_adding_or_removing_a_field_breaks_verification(issued):
    added = copy.deepcopy(issued.credential)
    added["credentialSubject"]["achievement"]["description"] += " Honours."
    assert issued.verify(added).status == "tampered"
    removed = copy.deepcopy(issued.credential)
    del removed["validUntil"]
    assert issued.verify(removed).status == "tampered"


def test_revoked_expired_and_not_yet_valid(issued):
    issued.revoked[issued.credential["id"]] = "superseded by a regrade"
    verdict = issued.verify(issued.credential)
    assert verdict.status == "revoked" and "superseded by a regrade" in verdict.reason
    issued.revoked.clear()
    assert issued.verify(issued.credential, now=NOW + timedelta(days=366)).status == "expired"
    assert issued.verify(issued.credential, now=NOW - timedelta(days=1)).status == "not_yet_valid"


def test_exactly_at_valid_until_it_has_expired(issued):
    assert issued.verify(issued.credential, now=NOW + timedelta(days=365)).status == "expired"
    assert issued.verify(issued.credential,
                         now=NOW + timedelta(days=365, seconds=-1)).status == "valid"


def test_a_key_the_issuer_never_published(issued, tmp_path):
    stranger = Issued(tmp_path / "other")  # same issuer id, a key of its own
    verdict = issued.verify(stranger.credential)
    assert verdict.status == "unknown_issuer"
    assert "never published" in verdict.reason


def test_rotated_keys_keep_old_credentials_valid(issued):
    old = issued.credential
    newer = issued.store.generate(NOW)
    assert issued.store.active().kid == newer.kid
    assert issued.verify(old).ok
    doc = issuer.controller_document(ISSUER_ID, issued.store.all())
    assert len(doc["assertionMethod"]) == 2
    assert doc["verificationMethod"][1]["publicKeyMultibase"].startswith("z6Mk")


def test_jwt_form_verifies_and_detects_changes(issued):
    assert issued.verify(issued.jwt).status == "valid"
    header, claims, _, _ = jose.parse(issued.jwt)
    assert header == {"alg": "EdDSA", "typ": "JWT", "kid": issued.key.kid}
    assert claims["iss"] == ISSUER_ID and claims["jti"] == issued.credential["id"]
    assert claims["exp"] - claims["nbf"] == 365 * 86400
    head, payload, signature = issued.jwt.split(".")
    forged = dict(claims, vc={**claims["vc"], "name": "Expert — something else"})
    body = jose.b64url(json.dumps(forged).encode())
    assert issued.verify(f"{head}.{body}.{signature}").status == "tampered"
    issued.revoked[issued.credential["id"]] = "mistake"
    assert issued.verify(issued.jwt).status == "revoked"


def test_garbage_gets_a_reason_not_an_exception(issued):
    for text in ("", "not json", "[1, 2]", "{}", "a.b.c", '{"@context": 5}',
                 json.dumps({**issued.credential, "proof": "z"})):
        verdict = issued.verify(text)
        assert verdict.status == "malformed" and verdict.reason, text


@pytest.mark.parametrize("inline, reason", [
    ({"@vocab": 5}, '"@vocab"'),  # a JsonLdError, reported by its innermost message
    ({"@vocab": None}, "@vocab"),  # pyld raises KeyError
    ({"t": {"@id": []}}, "got 'list'"),  # TypeError
    ({"t": {"@id": "https://x.example/t", "@context": "relative"}}, "relative IRI"),  # ValueError
    ({"t": {"@id": "https://x.example/t", "@nest": ""}}, "not valid JSON-LD"),  # IndexError
])
def test_an_inline_context_pyld_chokes_on_is_malformed_not_an_exception(issued, inline, reason):
    document = dict(issued.credential, **{"@context": [*issued.credential["@context"], inline]})
    verdict = issued.verify(document)
    assert verdict.status == "malformed", verdict.reason
    assert "not valid JSON-LD" in verdict.reason and reason in verdict.reason
    assert "Could not convert input" not in verdict.reason


def test_a_lone_surrogate_is_malformed_not_an_exception(issued):
    text = json.dumps(dict(issued.credential, name="\ud800"))
    assert "\\ud800" in text
    verdict = issued.verify(text)
    assert verdict.status == "malformed" and "surrogate" in verdict.reason
    assert verdict.credential is None  # nothing unprintable reaches a page
    head, payload, signature = issued.jwt.split(".")
    claims = json.loads(jose.b64url_decode(payload))
    claims["vc"]["name"] = "\udfff"
    forged = f"{head}.{jose.b64url(json.dumps(claims).encode())}.{signature}"
    assert issued.verify(forged).status == "malformed"


@pytest.mark.parametrize("nodes", [7, 40])
def test_a_poison_graph_is_refused_not_computed_for_minutes(issued, nodes):
    """Interchangeable blank nodes that all point at each other make RDFC-1.0 factorial (7
    took 12 s unbounded); the bounded canonicaliser refuses them as malformed."""
    poisoned = copy.deepcopy(issued.credential)
    poisoned["credentialSubject"]["achievement"]["alignment"] = [
        {"@id": f"_:b{i}", "type": ["Alignment"],
         "https://example.org/linked": [{"@id": f"_:b{j}"} for j in range(nodes) if j != i]}
        for i in range(nodes)]
    verdict = issued.verify(poisoned)
    assert verdict.status == "malformed" and "blank nodes" in verdict.reason, verdict.reason
