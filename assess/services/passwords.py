"""What makes a password acceptable (ASVS 2.1): long enough, not built on the address it
signs in with, and not easy to guess by zxcvbn's estimate, which ships its lists of common
passwords, names and words and so needs nothing from the network."""
from __future__ import annotations

from zxcvbn import zxcvbn

from ..models.user import hash_password, password_matches
from . import ServiceError

MIN_SCORE = 3  # zxcvbn's 0 to 4: 3 is "safely unguessable", about 10^10 guesses
_DUMMY_HASH: list[str] = []


def check_policy(password: str, email: str, min_length: int) -> None:
    """Raise a ServiceError on the ``password`` field saying what to change."""
    if len(password) < min_length:
        raise ServiceError(f"Use a password of at least {min_length} characters.",
                           field="password")
    local_part = email.split("@", 1)[0].strip().lower()
    if len(local_part) >= 3 and local_part in password.lower():
        raise ServiceError("Choose a password that does not contain your email address.",
                           field="password")
    # zxcvbn's cost grows with the length; what it says of the first 100 characters holds.
    estimate = zxcvbn(password[:100], user_inputs=[email, local_part])
    if estimate["score"] < MIN_SCORE:
        feedback = estimate["feedback"]
        hints = [feedback.get("warning") or "This password is easy to guess.",
                 *feedback.get("suggestions", [])]
        raise ServiceError(" ".join(hint for hint in hints if hint), field="password")


def dummy_hash() -> str:
    """A hash made the way real ones are (same method and cost), to check a password against
    when there is no account, so that sign-in takes as long either way."""
    if not _DUMMY_HASH:
        _DUMMY_HASH.append(hash_password("no account has this password"))
    return _DUMMY_HASH[0]


def matches(password_hash: str | None, password: str) -> bool:
    """One hash check, against ``password_hash`` or, when None, against the dummy hash."""
    if password_hash is None:
        password_matches(dummy_hash(), password)
        return False
    return password_matches(password_hash, password)


def spend_hashing_time(password: str) -> None:
    """As long as hashing a new password: the answer to a registration on a taken address."""
    hash_password(password)
