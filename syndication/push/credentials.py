"""Push-target credentials at rest: Fernet-encrypted with ``KANAL_CREDENTIALS_KEY``.

A credential is either stored encrypted (the admin form and ``targets add`` encrypt it before
it reaches the database) or named by an environment variable the worker reads at push time.
Neither form is ever returned by the API, written to a log or shown again after saving.
Fernet (AES-128-CBC + HMAC-SHA256, https://github.com/fernet/spec) authenticates the token,
so a tampered or foreign ciphertext is refused rather than decrypted to garbage.
"""

from __future__ import annotations

import os

from cryptography.fernet import Fernet, InvalidToken
from django.conf import settings


class CredentialsError(RuntimeError):
    """A credential cannot be stored or read; the message says what to configure."""


def _fernet() -> Fernet:
    key = settings.KANAL_CREDENTIALS_KEY
    if not key:
        raise CredentialsError(
            "KANAL_CREDENTIALS_KEY is not set, so credentials cannot be stored encrypted. "
            "Set it, or give the credential through an environment variable instead."
        )
    try:
        return Fernet(key.encode() if isinstance(key, str) else key)
    except ValueError as exc:
        raise CredentialsError(
            "KANAL_CREDENTIALS_KEY is not a valid Fernet key (32 url-safe base64 bytes)."
        ) from exc


def encrypt(secret: str) -> str:
    return _fernet().encrypt(secret.encode("utf-8")).decode("ascii")


def decrypt(token: str) -> str:
    try:
        return _fernet().decrypt(token.encode("ascii")).decode("utf-8")
    except InvalidToken as exc:
        raise CredentialsError(
            "The stored credential cannot be decrypted with the current KANAL_CREDENTIALS_KEY "
            "(was the key changed?). Enter the credential again."
        ) from exc


def from_environment(name: str) -> str:
    value = os.environ.get(name, "")
    if not value:
        raise CredentialsError(f"The environment variable {name} is not set for this process.")
    return value
