"""The TOTP arithmetic (RFC 6238) and the recovery codes' form and hash."""
from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone

import pyotp

from assess.core import totp

AT = datetime(2026, 11, 23, 12, 0, 10, tzinfo=timezone.utc)
# RFC 6238, appendix B: the SHA-1 secret "12345678901234567890", 59 s after the epoch.
RFC_SECRET = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"


def test_codes_are_those_of_rfc_6238_and_authenticator_apps():
    at = datetime(1970, 1, 1, 0, 0, 59, tzinfo=timezone.utc)
    assert totp.code_for(RFC_SECRET, totp.step_at(at)) == "287082"  # 94287082, 6 digits
    secret = totp.new_secret()
    assert totp.code_for(secret, totp.step_at(AT)) == pyotp.TOTP(secret).at(AT)


def test_a_secret_is_160_random_bits_in_base32():
    secrets_made = {totp.new_secret() for _ in range(20)}
    assert len(secrets_made) == 20
    assert all(re.fullmatch(r"[A-Z2-7]{32}", secret) for secret in secrets_made)


def test_a_code_matches_its_step_and_the_neighbouring_ones_only():
    secret = totp.new_secret()
    now = totp.step_at(AT)
    for offset in (-1, 0, 1):
        code = totp.code_for(secret, now + offset)
        assert totp.matching_step(secret, code, AT) == now + offset
    for offset in (-3, -2, 2, 3):
        code = totp.code_for(secret, now + offset)
        if code not in {totp.code_for(secret, now + o) for o in (-1, 0, 1)}:
            assert totp.matching_step(secret, code, AT) is None
    assert totp.matching_step(secret, totp.code_for(secret, now + 1), AT, window=0) is None


def test_what_the_user_types_is_tidied_and_nonsense_matches_nothing():
    secret = totp.new_secret()
    code = totp.code_for(secret, totp.step_at(AT))
    assert totp.matching_step(secret, f" {code[:3]} {code[3:]} ", AT) == totp.step_at(AT)
    for nonsense in ("", "12345", "1234567", "abcdef", "１２３４５６"):
        assert totp.matching_step(secret, nonsense, AT) is None
    assert totp.is_totp_code("123 456") and not totp.is_totp_code("abcd-efgh-jkmn")


def test_steps_are_thirty_seconds():
    assert totp.step_at(AT + timedelta(seconds=30)) == totp.step_at(AT) + 1
    assert totp.step_at(AT.replace(second=0)) == totp.step_at(AT.replace(second=29))


def test_recovery_codes_are_random_grouped_and_hashed_however_typed():
    codes = {totp.new_recovery_code() for _ in range(50)}
    assert len(codes) == 50
    assert all(re.fullmatch(r"[a-z2-9]{4}-[a-z2-9]{4}-[a-z2-9]{4}", c) for c in codes)
    code = codes.pop()
    typed = code.upper().replace("-", " ")
    assert totp.recovery_code_hash(typed) == totp.recovery_code_hash(code)
    assert totp.recovery_code_hash(code) != totp.recovery_code_hash(codes.pop())
    assert len(totp.recovery_code_hash(code)) == 64


def test_the_provisioning_address_and_the_grouped_secret():
    secret = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
    uri = totp.provisioning_uri(secret, "ada@example.org", "assess")
    assert uri.startswith("otpauth://totp/assess:ada%40example.org?")
    assert f"secret={secret}" in uri and "issuer=assess" in uri
    assert totp.grouped(secret) == "JBSW Y3DP EHPK 3PXP JBSW Y3DP EHPK 3PXP"
