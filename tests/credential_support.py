"""A credential issued the way assess issues them, with a fresh key, for the tests."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

from assess.credentials import credential, dataintegrity, documents, issuer, jose, verify
from assess.credentials.keys import KeyStore

ISSUER_ID = "https://assess.example/issuer"
PROFILE = credential.IssuerProfile(ISSUER_ID, "assess (tests)", "https://assess.example/")
NOW = datetime(2026, 11, 23, 12, 0, tzinfo=timezone.utc)


def award(**changes) -> credential.Award:
    values = dict(
        credential_id="https://assess.example/certificates/2b1c6f1e-0d0e-4a41-9f55-1f0f3c1a2b3c",
        achievement_id="https://assess.example/assessments/general-screening/tiers/expert",
        assessment_title="General AI answer review screening", domain="general",
        tier_name="Expert", criteria="Overall at least 85%; written reasoning at least 70%.",
        score=0.9, required_score=0.85,
        skills=(credential.SkillResult("written_reasoning", "Written reasoning", 0.75, 0.7),
                credential.SkillResult("judgment", "Judgment", 1.0, None)),
        valid_from=NOW, valid_until=NOW + timedelta(days=365),
        email="applicant@example.com", salt="9f1c2e")
    values.update(changes)
    return credential.Award(**values)


class Issued:
    def __init__(self, tmp_path, **changes):
        self.store = KeyStore(tmp_path / "keys")
        self.key = self.store.generate(NOW - timedelta(days=1))
        self.loader = documents.document_loader()
        unsigned = credential.build(PROFILE, award(**changes))
        self.credential = dataintegrity.sign(
            unsigned, self.key.private, issuer.method_id(ISSUER_ID, self.key.kid),
            credential.timestamp(NOW), self.loader)
        self.jwt = jose.sign(unsigned, self.key.private, self.key.kid)
        self.revoked: dict[str, str] = {}

    def trust(self) -> verify.Issuer:
        return verify.Issuer(ISSUER_ID, {key.kid: key.public for key in self.store.all()})

    def verify(self, presented, now=NOW + timedelta(hours=1)):
        return verify.verify(presented, now, self.trust(), self.revoked.get, self.loader)
