"""Our credentials against the Open Badges 3.0 JSON schema in ../shared/data.

That schema is a draft-04 port of an earlier revision (VC 1.1: issuanceDate, the v1 context)
as SOURCE.md there explains. Where it applies it is used as is: the issuer Profile, the
AchievementSubject with its achievement, results and identity, and the credential's own
fields. The two VC 1.1 rules are the only ones adapted: issuanceDate is required as validFrom,
and the first context is the VC 2.0 one.
"""
from __future__ import annotations

import copy
import json

import pytest
from credential_support import Issued
from helpers import SHARED_DATA

jsonschema = pytest.importorskip("jsonschema")
SCHEMA = SHARED_DATA / "openbadges3" / "schema" / "ob_v3p0_achievementcredential_schema_draft4.json"
pytestmark = pytest.mark.skipif(not SCHEMA.exists(), reason=f"schema not found at {SCHEMA}")


def vc2_schema() -> dict:
    schema = json.loads(SCHEMA.read_text())
    schema["required"] = ["validFrom" if f == "issuanceDate" else f for f in schema["required"]]
    schema["properties"]["validFrom"] = schema["properties"]["issuanceDate"]
    schema["properties"]["validUntil"] = schema["properties"]["expirationDate"]
    return schema


def errors(document) -> list[str]:
    validator = jsonschema.Draft4Validator(vc2_schema())
    return [f"{'/'.join(map(str, e.absolute_path))}: {e.message}"
            for e in validator.iter_errors(document)]


def test_issued_credentials_validate(tmp_path):
    issued = Issued(tmp_path)
    assert errors(issued.credential) == []
    assert errors(Issued(tmp_path / "b", valid_until=None).credential) == []


def test_the_schema_catches_a_broken_subject(tmp_path):
    broken = copy.deepcopy(Issued(tmp_path).credential)
    broken["credentialSubject"]["achievement"]["criteria"] = "not an object"
    del broken["issuer"]["id"]
    found = errors(broken)
    assert any("criteria" in e for e in found) and any(e.startswith("issuer") for e in found)
