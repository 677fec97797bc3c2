"""Secrets done once: PIN and token hashes, and the signed codes printed as QR.

PINs are short, so they get a slow KDF (scrypt); device tokens are long random strings, so a
plain SHA-256 is enough and keeps connection set-up fast. Nothing here stores a secret.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import date

# scrypt at n=2**14, r=8 costs ~50 ms and 16 MiB: slow for a guesser, fine for a login.
_SCRYPT_N, _SCRYPT_R, _SCRYPT_P = 2**14, 8, 1


def hash_pin(pin: str, *, salt: bytes | None = None, fast: bool = False) -> str:
    """``fast`` lowers the work factor (tests only: the hash records its own cost)."""
    salt = salt or secrets.token_bytes(16)
    n = 2**4 if fast else _SCRYPT_N
    digest = hashlib.scrypt(pin.encode(), salt=salt, n=n, r=_SCRYPT_R, p=_SCRYPT_P)
    return f"scrypt${n}${_SCRYPT_R}${_SCRYPT_P}${_b64(salt)}${_b64(digest)}"


def verify_pin(pin: str, stored: str) -> bool:
    try:
        scheme, n, r, p, salt, digest = stored.split("$")
        if scheme != "scrypt":
            return False
        got = hashlib.scrypt(
            pin.encode(), salt=_unb64(salt), n=int(n), r=int(r), p=int(p), maxmem=2**26
        )
    except (ValueError, TypeError):
        return False
    return hmac.compare_digest(got, _unb64(digest))


def is_pin_hash(value: str) -> bool:
    parts = value.split("$")
    return len(parts) == 6 and parts[0] == "scrypt"


def new_token() -> str:
    return secrets.token_urlsafe(24)


def hash_token(token: str) -> str:
    return "sha256$" + hashlib.sha256(token.encode()).hexdigest()


def verify_token(token: str, stored: str) -> bool:
    return hmac.compare_digest(hash_token(token), stored)


def is_token_hash(value: str) -> bool:
    return value.startswith("sha256$") and len(value) == 7 + 64


def new_hall_secret() -> str:
    return secrets.token_hex(32)


_B32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"


def _mac(secret: bytes, message: str, size: int) -> str:
    """The first ``size`` bytes (a multiple of 5) of HMAC-SHA256 in base32, as
    ``base64.b32encode`` writes them (without its slower loop: one per ticket issued)."""
    raw = hmac.digest(secret, message.encode(), "sha256")[:size]  # one-shot, in C
    bits = int.from_bytes(raw)
    n = size * 8 // 5
    return "".join([_B32[(bits >> (5 * (n - 1 - i))) & 31] for i in range(n)])


def ticket_code(secret: bytes, ticket_id: str) -> str:
    """The unguessable code in a ticket's status URL (/t/<code>); same ticket, same code."""
    return _mac(secret, "ticket|" + ticket_id, 5)


# A card code is short and uppercase so that the QR uses alphanumeric mode:
#   XB1-<card number>-<valid until YYYYMMDD>-<16 base32 chars of HMAC-SHA256>
CARD_CODE_PREFIX = "XB1"


@dataclass(frozen=True)
class CardClaim:
    number: int
    valid_until: date


def card_code(secret: bytes, number: int, valid_until: date) -> str:
    body = f"{CARD_CODE_PREFIX}-{number}-{valid_until:%Y%m%d}"
    return f"{body}-{_mac(secret, body, 10)}"


def read_card_code(secret: bytes, code: str) -> CardClaim | None:
    """The claim in a card code, or None when it is malformed or its signature is wrong."""
    parts = code.strip().upper().split("-")
    if len(parts) != 4 or parts[0] != CARD_CODE_PREFIX:
        return None
    body = "-".join(parts[:3])
    if not hmac.compare_digest(_mac(secret, body, 10), parts[3]):
        return None
    try:
        number = int(parts[1])
        valid_until = date(int(parts[2][:4]), int(parts[2][4:6]), int(parts[2][6:8]))
    except ValueError:
        return None
    return CardClaim(number, valid_until)


def _b64(raw: bytes) -> str:
    return base64.b64encode(raw).decode()


def _unb64(text: str) -> bytes:
    return base64.b64decode(text.encode())
