"""The issuer's Ed25519 signing keys, one file per key in a directory under ``instance/``.

The newest key signs; older keys stay published so that what they signed still verifies.
Key ids are stable names (``key-20261123-3f9a1c``) used in verification method URLs and in
the JWKS.
"""
from __future__ import annotations

import base64
import json
import os
import secrets
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import (
    Encoding,
    NoEncryption,
    PrivateFormat,
    PublicFormat,
    load_pem_private_key,
)

from .multikey import public_key_multibase


class NoSigningKey(RuntimeError):
    pass


@dataclass(frozen=True)
class SigningKey:
    kid: str
    created: datetime
    private: Ed25519PrivateKey

    @property
    def public(self) -> Ed25519PublicKey:
        return self.private.public_key()

    @property
    def multibase(self) -> str:
        return public_key_multibase(self.public)

    def jwk(self) -> dict[str, str]:
        raw = self.public.public_bytes(Encoding.Raw, PublicFormat.Raw)
        return {"kty": "OKP", "crv": "Ed25519", "kid": self.kid, "alg": "EdDSA", "use": "sig",
                "x": base64.urlsafe_b64encode(raw).rstrip(b"=").decode()}


class KeyStore:
    def __init__(self, directory: str | Path):
        self.directory = Path(directory)

    def all(self) -> list[SigningKey]:
        """Every key, oldest first."""
        if not self.directory.is_dir():
            return []
        keys = [self._read(path) for path in self.directory.glob("*.json")]
        return sorted(keys, key=lambda key: (key.created, key.kid))

    def active(self) -> SigningKey:
        keys = self.all()
        if not keys:
            raise NoSigningKey(f"no signing key in {self.directory}: run "
                               "`flask --app assess keys generate`")
        return keys[-1]

    def generate(self, now: datetime) -> SigningKey:
        key = SigningKey(f"key-{now:%Y%m%d}-{secrets.token_hex(3)}", now,
                         Ed25519PrivateKey.generate())
        self.directory.mkdir(parents=True, exist_ok=True)
        pem = key.private.private_bytes(Encoding.PEM, PrivateFormat.PKCS8, NoEncryption())
        record = {"kid": key.kid, "created": now.isoformat(), "private_key_pem": pem.decode()}
        path = self.directory / f"{key.kid}.json"
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "w") as handle:
            json.dump(record, handle, indent=1)
        return key

    @staticmethod
    def _read(path: Path) -> SigningKey:
        record = json.loads(path.read_text())
        private = load_pem_private_key(record["private_key_pem"].encode(), password=None)
        if not isinstance(private, Ed25519PrivateKey):
            raise ValueError(f"{path}: not an Ed25519 key")
        return SigningKey(record["kid"], datetime.fromisoformat(record["created"]), private)
