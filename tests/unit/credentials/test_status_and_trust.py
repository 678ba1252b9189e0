"""Bitstring Status Lists (encoding, the entry, our verifier reading a list) and the trust
policy: only this server's credentials and those of trusted issuers are verified."""
from __future__ import annotations

import base64
import gzip
import json
from datetime import timedelta

import pytest
from credential_support import ISSUER_ID, NOW, PROFILE, Issued, award
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from assess.credentials import credential, dataintegrity, documents, issuer, jose, status, verify
from assess.credentials.multikey import public_key_multibase

LIST_URL = "https://assess.example/status/1"
LATER = NOW + timedelta(hours=1)


def test_encoding_follows_the_specification():
    bits = status.with_bit(status.with_bit(status.empty(), 0), 23)
    encoded = status.encode(bits)
    assert encoded.startswith("u") and "=" not in encoded
    text = encoded[1:]
    raw = gzip.decompress(base64.urlsafe_b64decode(text + "=" * (-len(text) % 4)))
    assert len(raw) * 8 == status.MIN_SIZE == 131_072
    assert raw[:3] == bytes([0x80, 0x00, 0x01])  # index 0 is the left-most bit
    assert status.decode(encoded) == bits
    assert status.is_set(bits, 23) and not status.is_set(bits, 22)
    assert status.from_indexes(status.MIN_SIZE, [0, 23]) == bits
    assert encoded == status.encode(bits)  # no timestamp in the GZIP header


@pytest.mark.parametrize("bad", [None, "H4sI", "u!!", "uAAAA", "u" + status.encode(b"x")[1:-4]])
def test_undecodable_lists_are_refused(bad):
    with pytest.raises(status.StatusListError):
        status.decode(bad)


def test_the_entry():
    assert status.entry(LIST_URL, 4711) == {
        "id": f"{LIST_URL}#4711", "type": "BitstringStatusListEntry",
        "statusPurpose": "revocation", "statusListIndex": "4711",
        "statusListCredential": LIST_URL}


class Listed:
    """A credential issued with a status entry, and the signed list it names."""

    def __init__(self, tmp_path, index=4711):
        self.issued = Issued(tmp_path, status=status.entry(LIST_URL, index))
        self.index = index

    def signed_list(self, *revoked, issuer_id=ISSUER_ID, purpose="revocation", **fields):
        unsigned = status.list_credential(LIST_URL, issuer_id,
                                          status.from_indexes(status.MIN_SIZE, revoked),
                                          purpose, credential.timestamp(NOW))
        unsigned.update(fields)
        key = self.issued.key
        return dataintegrity.sign(unsigned, key.private, issuer.method_id(ISSUER_ID, key.kid),
                                  credential.timestamp(NOW), self.issued.loader)

    def verify(self, status_list=None, presented=None):
        loader = documents.document_loader({} if status_list is None
                                           else {LIST_URL: status_list})
        return verify.verify(presented or self.issued.credential, LATER, self.issued.trust(),
                             self.issued.revoked.get, loader)


@pytest.fixture
def listed(tmp_path):
    return Listed(tmp_path)


def test_a_listed_credential_is_valid_while_its_bit_is_clear(listed):
    assert listed.issued.credential["credentialStatus"]["statusListIndex"] == "4711"
    verdict = listed.verify(listed.signed_list(4710, 4712))
    assert verdict.ok, verdict.reason
    assert "has not been revoked" in verdict.reason


def test_its_bit_set_revokes_it_in_both_forms(listed):
    revoked = listed.signed_list(4711)
    verdict = listed.verify(revoked)
    assert verdict.status == "revoked" and f"{LIST_URL} sets index 4711" in verdict.reason
    assert listed.verify(revoked, listed.issued.jwt).status == "revoked"


@pytest.mark.parametrize("case, reason", [
    ("missing", "could not be fetched"),
    ("unsigned", "carries no proof"),
    ("changed", "signature does not match"),
    ("other issuer", "not by the credential's issuer"),
    ("wrong purpose", "is not for the purpose 'revocation'"),
    ("expired", "expired on"),
])
def test_a_list_that_cannot_be_relied_on_leaves_the_status_unknown(listed, case, reason):
    signed = listed.signed_list()
    status_list = {
        "missing": None,
        "unsigned": {k: v for k, v in signed.items() if k != "proof"},
        "changed": {**signed, "credentialSubject": {
            **signed["credentialSubject"],
            "encodedList": status.encode(status.from_indexes(status.MIN_SIZE, [1]))}},
        "other issuer": listed.signed_list(issuer_id="https://other.example/issuer"),
        "wrong purpose": listed.signed_list(purpose="suspension"),
        "expired": listed.signed_list(validUntil=credential.timestamp(NOW)),
    }[case]
    verdict = listed.verify(status_list)
    assert verdict.status == "status_unknown" and not verdict.ok, verdict.reason
    assert reason in verdict.reason
    assert verdict.title == "Revocation status unknown"


def test_an_index_beyond_the_list(tmp_path):
    far = Listed(tmp_path, index=status.MIN_SIZE)
    verdict = far.verify(far.signed_list())
    assert verdict.status == "status_unknown" and "beyond the status list" in verdict.reason


def test_the_status_entry_is_signed(listed):
    moved = json.loads(json.dumps(listed.issued.credential))
    moved["credentialStatus"]["statusListIndex"] = "4712"
    assert listed.verify(listed.signed_list(4711), moved).status == "tampered"


def test_achievement_ids_carry_no_fragment():
    with pytest.raises(ValueError, match="no fragment"):
        credential.build(PROFILE, award(achievement_id="https://a.example/x#tier-expert"))
    built = credential.build(PROFILE, award())
    ids = [d["id"] for d in built["credentialSubject"]["achievement"]["resultDescription"]]
    assert all(i.count("#") == 1 for i in ids)
    assert ids[0] == "https://assess.example/assessments/general-screening/tiers/expert" \
                     "#result-overall"


# ---- trust -------------------------------------------------------------------------------

LOOK_ALIKE = "https://assess.example.org/issuer"  # not https://assess.example/issuer


def stranger_signed(issuer_id: str, method_of=lambda issuer_id, multibase:
                    f"{issuer_id}#{multibase}"):
    """A credential like ours, re-signed by a stranger's own key under ``issuer_id``, with a
    verification method that resolves offline; and the same as a JWT."""
    key = Ed25519PrivateKey.generate()
    method = method_of(issuer_id, public_key_multibase(key.public_key()))
    profile = credential.IssuerProfile(issuer_id, "assess", "https://assess.example/")
    unsigned = credential.build(profile, award())
    loader = documents.document_loader()
    signed = dataintegrity.sign(unsigned, key, method, credential.timestamp(NOW), loader)
    return signed, jose.sign(unsigned, key, method), key, method


def judge(issued, presented, trusted=(), extra=None):
    return verify.verify(presented, LATER, issued.trust(), issued.revoked.get,
                         documents.document_loader(extra), trusted=trusted)


@pytest.fixture
def issued(tmp_path):
    return Issued(tmp_path)


@pytest.mark.parametrize("form", ["json", "jwt"])
def test_a_look_alike_issuer_with_its_own_key_is_unknown(issued, form):
    signed, jwt = stranger_signed(LOOK_ALIKE)[:2]
    presented = signed if form == "json" else jwt
    assert verify.verify(presented, LATER, issued.trust(), issued.revoked.get,
                         documents.document_loader()).ok  # the signature itself holds
    verdict = judge(issued, presented)
    assert verdict.status == "unknown_issuer" and not verdict.ok
    assert verdict.as_json()["verified"] is False and verdict.format == form
    assert "neither this server" in verdict.reason and LOOK_ALIKE in verdict.reason


@pytest.mark.parametrize("form", ["json", "jwt"])
def test_our_own_credentials_need_no_trust_list(issued, form):
    verdict = judge(issued, issued.credential if form == "json" else issued.jwt)
    assert verdict.ok and verdict.ours, verdict.reason


@pytest.mark.parametrize("form", ["json", "jwt"])
def test_a_stranger_under_a_trusted_url_is_not_that_issuer(issued, form):
    """Naming the trusted issuer's URL with a multibase fragment names any key at all."""
    trusted = "https://partner.example/issuer"
    signed, jwt = stranger_signed(trusted)[:2]
    verdict = judge(issued, signed if form == "json" else jwt, trusted=(trusted,))
    assert verdict.status == "unknown_issuer" and "cannot be tied" in verdict.reason


@pytest.mark.parametrize("form", ["json", "jwt"])
def test_a_trusted_issuer_whose_controller_document_lists_the_key(issued, form):
    trusted = "https://partner.example/issuer"
    signed, jwt, key, method = stranger_signed(trusted, lambda i, _m: f"{i}#key-1")
    method = f"{trusted}#key-1"
    controller = {"@context": [issuer.DID_CONTEXT, issuer.MULTIKEY_CONTEXT], "id": trusted,
                  "verificationMethod": [{
                      "id": method, "type": "Multikey", "controller": trusted,
                      "publicKeyMultibase": public_key_multibase(key.public_key())}],
                  "assertionMethod": [method]}
    presented = signed if form == "json" else jwt
    untrusted = judge(issued, presented, extra={trusted: controller})
    assert untrusted.status == "unknown_issuer"
    verdict = judge(issued, presented, trusted=(trusted,), extra={trusted: controller})
    assert verdict.ok and not verdict.ours, verdict.reason
    assert not any("does not know the issuer" in warning for warning in verdict.warnings)


def test_a_trusted_did_key_issuer_is_its_own_key(issued):
    key = Ed25519PrivateKey.generate()
    did = f"did:key:{public_key_multibase(key.public_key())}"
    profile = credential.IssuerProfile(did, "a DID issuer", "https://did.example/")
    unsigned = credential.build(profile, award())
    signed = dataintegrity.sign(unsigned, key, f"{did}#{did.removeprefix('did:key:')}",
                                credential.timestamp(NOW), documents.document_loader())
    assert judge(issued, signed).status == "unknown_issuer"
    assert judge(issued, signed, trusted=(did,)).ok
