"""Ed25519 keys as Multikey strings (multibase base58btc with a multicodec prefix), the form
Data Integrity proofs and controller documents use."""
from __future__ import annotations

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

_ALPHABET = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"
_INDEX = {char: value for value, char in enumerate(_ALPHABET)}
ED25519_PUB = b"\xed\x01"  # multicodec ed25519-pub, as a varint


class MultikeyError(ValueError):
    pass


def base58_encode(data: bytes) -> str:
    number = int.from_bytes(data, "big")
    digits = []
    while number:
        number, rest = divmod(number, 58)
        digits.append(_ALPHABET[rest])
    zeros = len(data) - len(data.lstrip(b"\0"))
    return "1" * zeros + "".join(reversed(digits))


def base58_decode(text: str) -> bytes:
    number = 0
    for char in text:
        if char not in _INDEX:
            raise MultikeyError(f"{char!r} is not a base58btc character")
        number = number * 58 + _INDEX[char]
    zeros = len(text) - len(text.lstrip("1"))
    body = number.to_bytes((number.bit_length() + 7) // 8, "big") if number else b""
    return b"\0" * zeros + body


def multibase_decode(text: str) -> bytes:
    """Only base58btc (prefix ``z``) is used by eddsa-rdfc-2022 and Multikey."""
    if not isinstance(text, str) or not text.startswith("z"):
        raise MultikeyError("expected a base58btc multibase string starting with 'z'")
    return base58_decode(text[1:])


def multibase_encode(data: bytes) -> str:
    return "z" + base58_encode(data)


def public_key_multibase(key: Ed25519PublicKey) -> str:
    from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat
    return multibase_encode(ED25519_PUB + key.public_bytes(Encoding.Raw, PublicFormat.Raw))


def public_key_from_multibase(text: str) -> Ed25519PublicKey:
    raw = multibase_decode(text)
    if not raw.startswith(ED25519_PUB) or len(raw) != 34:
        raise MultikeyError("not an Ed25519 Multikey (expected the 0xed01 prefix and 32 bytes)")
    return Ed25519PublicKey.from_public_bytes(raw[2:])
