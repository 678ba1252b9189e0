"""W3C Bitstring Status List v1.0: the bits, their encoding, the entry a credential carries
and the status list credential that publishes them.

Index 0 is the left-most bit: the high bit of the first byte. ``encodedList`` is the
multibase base64url (prefix ``u``, no padding) of the GZIP-compressed bitstring.
"""
from __future__ import annotations

import base64
import binascii
import gzip
import zlib
from typing import Any, Iterable

from .structure import VC_V2

MIN_SIZE = 131_072  # entries: the specification's minimum, for herd privacy
ENTRY_TYPE = "BitstringStatusListEntry"
LIST_CREDENTIAL_TYPE = "BitstringStatusListCredential"
LIST_TYPE = "BitstringStatusList"
MAX_DECODED_BYTES = 16 * 1024 * 1024  # a list is a few KB compressed: refuse a gzip bomb


class StatusListError(ValueError):
    pass


def empty(size: int = MIN_SIZE) -> bytes:
    if size <= 0 or size % 8:
        raise ValueError("a status list holds a positive multiple of 8 entries")
    return bytes(size // 8)


def is_set(bits: bytes, index: int) -> bool:
    return bool(bits[index // 8] & (0x80 >> index % 8))


def with_bit(bits: bytes, index: int, on: bool = True) -> bytes:
    changed = bytearray(bits)
    if on:
        changed[index // 8] |= 0x80 >> index % 8
    else:
        changed[index // 8] &= ~(0x80 >> index % 8) & 0xFF
    return bytes(changed)


def from_indexes(size: int, indexes: Iterable[int]) -> bytes:
    """A bitstring of ``size`` entries with the bits at ``indexes`` set."""
    bits = bytearray(empty(size))
    for index in indexes:
        bits[index // 8] |= 0x80 >> index % 8
    return bytes(bits)


def encode(bits: bytes) -> str:
    compressed = gzip.compress(bits, mtime=0)  # no timestamp: same bits, same text
    return "u" + base64.urlsafe_b64encode(compressed).rstrip(b"=").decode()


def decode(encoded: Any) -> bytes:
    """The bitstring of an ``encodedList``; raises StatusListError."""
    if not isinstance(encoded, str) or not encoded.startswith("u"):
        raise StatusListError("encodedList must be a multibase base64url string (prefix u)")
    text = encoded[1:]
    try:
        compressed = base64.b64decode(text + "=" * (-len(text) % 4), altchars=b"-_",
                                      validate=True)
        inflater = zlib.decompressobj(wbits=31)  # gzip
        bits = inflater.decompress(compressed, MAX_DECODED_BYTES)
    except (binascii.Error, ValueError, zlib.error) as exc:
        raise StatusListError(f"encodedList is not GZIP-compressed base64url: {exc}") from None
    if inflater.unconsumed_tail:
        raise StatusListError("encodedList decompresses to more than 16 MB")
    if not inflater.eof:
        raise StatusListError("encodedList is not a complete GZIP stream")
    return bits


def entry(list_url: str, index: int, purpose: str = "revocation") -> dict[str, Any]:
    """The ``credentialStatus`` of a credential given ``index`` in the list at ``list_url``."""
    return {"id": f"{list_url}#{index}", "type": ENTRY_TYPE, "statusPurpose": purpose,
            "statusListIndex": str(index), "statusListCredential": list_url}


def list_credential(list_url: str, issuer_id: str, bits: bytes, purpose: str,
                    valid_from: str) -> dict[str, Any]:
    """The unsigned BitstringStatusListCredential publishing ``bits``."""
    return {
        "@context": [VC_V2],
        "id": list_url,
        "type": ["VerifiableCredential", LIST_CREDENTIAL_TYPE],
        "issuer": issuer_id,
        "validFrom": valid_from,
        "credentialSubject": {"id": f"{list_url}#list", "type": LIST_TYPE,
                              "statusPurpose": purpose, "encodedList": encode(bits)},
    }
