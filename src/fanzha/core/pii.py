"""Personal information: masking for display and logs, AES-GCM encryption at rest,
and keyed hashes (blind indexes) so encrypted values can still be looked up.

PIPL and 反电信网络诈骗法 require that phone, ID and card numbers are not shown or
stored in clear; unmasking goes through `unmask()` with a purpose, which is audited.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import re
from enum import StrEnum
from pathlib import Path

from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from sqlalchemy import LargeBinary
from sqlalchemy.engine import Dialect
from sqlalchemy.types import TypeDecorator


class PIIKind(StrEnum):
    PHONE = "phone"
    ID_NUMBER = "id_number"
    BANK_CARD = "bank_card"
    NAME = "name"


def mask_phone(value: str) -> str:
    digits = re.sub(r"\D", "", value)
    if len(digits) >= 11:
        digits = digits[-11:]
        return f"{digits[:3]}****{digits[-4:]}"
    if len(digits) >= 7:
        return f"{digits[:3]}****{digits[-4:]}" if len(digits) > 7 else f"***{digits[-4:]}"
    return "*" * len(digits)


def mask_id_number(value: str) -> str:
    v = value.strip().upper()
    if len(v) == 18:
        return f"{v[:6]}********{v[-4:]}"
    if len(v) > 4:
        return "*" * (len(v) - 4) + v[-4:]
    return "*" * len(v)


def mask_bank_card(value: str) -> str:
    digits = re.sub(r"\D", "", value)
    if len(digits) >= 8:
        return f"{digits[:4]} **** **** {digits[-4:]}"
    return "*" * len(digits)


def mask_name(value: str) -> str:
    """张三 → 张*, 欧阳娜娜 → 欧***: the surname stays, the given name does not."""
    v = value.strip()
    return v[:1] + "*" * max(len(v) - 1, 1) if v else v


MASKERS = {
    PIIKind.PHONE: mask_phone,
    PIIKind.ID_NUMBER: mask_id_number,
    PIIKind.BANK_CARD: mask_bank_card,
    PIIKind.NAME: mask_name,
}


def mask(kind: PIIKind, value: str | None) -> str | None:
    return None if value is None else MASKERS[kind](value)


# Patterns used to scrub free text (log lines, narratives shown in lists).
_ID_RE = re.compile(r"(?<!\d)(\d{6})(\d{8})(\d{3}[\dXx])(?!\d)")
_CARD_RE = re.compile(r"(?<!\d)(\d{4})\d{8,11}(\d{4})(?!\d)")
_PHONE_RE = re.compile(r"(?<!\d)(?:\+?86[- ]?)?(1[3-9]\d)(\d{4})(\d{4})(?!\d)")


def scrub(text: str) -> str:
    """Mask every phone, ID or card number found in free text."""
    text = _ID_RE.sub(lambda m: f"{m.group(1)}********{m.group(3)[-4:]}", text)
    text = _CARD_RE.sub(lambda m: f"{m.group(1)} **** **** {m.group(2)}", text)
    return _PHONE_RE.sub(lambda m: f"{m.group(1)}****{m.group(3)}", text)


def normalize(kind: PIIKind, value: str) -> str:
    """Canonical form used for hashing, so '+86 138-0000-1234' finds '13800001234'."""
    v = value.strip()
    if kind is PIIKind.PHONE:
        digits = re.sub(r"\D", "", v)
        return digits[-11:] if len(digits) >= 11 and digits.startswith("86") else digits
    if kind is PIIKind.BANK_CARD:
        return re.sub(r"\D", "", v)
    if kind is PIIKind.ID_NUMBER:
        return v.upper()
    return v


class Keyring:
    """Holds the data key (AES-256-GCM) and the hashing key, both derived from one key file."""

    def __init__(self, master: bytes) -> None:
        if len(master) != 32:
            raise ValueError("master key must be 32 bytes")
        self._aead = AESGCM(hashlib.sha256(b"fanzha-enc" + master).digest())
        self._mac_key = hashlib.sha256(b"fanzha-mac" + master).digest()

    @classmethod
    def generate_file(cls, path: Path) -> Keyring:
        path.parent.mkdir(parents=True, exist_ok=True)
        master = AESGCM.generate_key(bit_length=256)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as fh:
            fh.write(base64.b64encode(master))
        return cls(master)

    @classmethod
    def from_file(cls, path: Path) -> Keyring:
        return cls(base64.b64decode(path.read_bytes().strip()))

    def encrypt(self, plaintext: str) -> bytes:
        nonce = os.urandom(12)
        return nonce + self._aead.encrypt(nonce, plaintext.encode("utf-8"), None)

    def decrypt(self, blob: bytes) -> str:
        return self._aead.decrypt(blob[:12], blob[12:], None).decode("utf-8")

    def blind_index(self, kind: PIIKind, value: str) -> str:
        digest = hmac.new(self._mac_key, f"{kind}:{normalize(kind, value)}".encode(), hashlib.sha256)
        return digest.hexdigest()[:32]


_keyring: Keyring | None = None


def get_keyring() -> Keyring:
    global _keyring
    if _keyring is None:
        from fanzha.core.settings import get_settings

        path = get_settings().resolved_key_file
        _keyring = Keyring.from_file(path) if path.exists() else Keyring.generate_file(path)
    return _keyring


def set_keyring(keyring: Keyring | None) -> None:
    global _keyring
    _keyring = keyring


def blind_index(kind: PIIKind, value: str) -> str:
    return get_keyring().blind_index(kind, value)


class Encrypted(TypeDecorator[str]):
    """A string column stored as AES-GCM ciphertext; reads back as plaintext in Python."""

    impl = LargeBinary
    cache_ok = True

    def process_bind_param(self, value: str | None, dialect: Dialect) -> bytes | None:
        return None if value is None else get_keyring().encrypt(value)

    def process_result_value(self, value: bytes | None, dialect: Dialect) -> str | None:
        return None if value is None else get_keyring().decrypt(bytes(value))
