"""Sealing bids: envelope encryption of the sealed material (prices and bid files, per envelope).

Every tender has its own key pair (X25519). Its public key is kept in the database as is: a bid
is sealed with it, so registering a bid never needs anything secret. Its private key, the
tender's *data key*, is kept only wrapped (AES-256-GCM) by the master key,
``TENDERDESK_SEALING_KEY``, which lives outside the database (the environment, or
``<data dir>/sealing_key``). Whoever reads the database (an administrator, a backup, a dump)
sees ciphertext; the service unwraps the data key only at the four-eyes opening (and, with two
envelopes, at the opening of the prices).

A sealed value is ``version | ephemeral public key | nonce | AES-GCM ciphertext``, the AES key
derived (HKDF-SHA256) from an X25519 exchange between a fresh key pair and the tender's key.
Each value is bound to where it belongs (its *context*: tender, bid, part) as associated data,
so ciphertext moved to another bid or envelope does not open. A master key that is lost or not
the one the tender was sealed with is told apart from damaged ciphertext by the master key's
fingerprint kept beside the wrapped key; either way the result is a :class:`SealBroken` naming
the problem, never plaintext.

Pure: no framework, no database; the service side is :mod:`tenders.vault`.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from common.errors import DomainError
from common.i18n import N_

VERSION = b"\x01"  # the first byte of every sealed value: its format
NONCE_BYTES = 12
KEY_BYTES = 32
TAG_BYTES = 16
MASTER_INFO = b"tenderdesk sealing master key v1"
SEAL_INFO = b"tenderdesk sealed value v1"
FINGERPRINT_LABEL = b"tenderdesk sealing key fingerprint v1"

WRONG_KEY = N_(
    "The bids of this tender were sealed under another sealing key (TENDERDESK_SEALING_KEY); "
    "they stay sealed until the service runs with the key they were sealed under"
)
DAMAGED = N_("Sealed material of this tender cannot be decrypted: it was changed or damaged")


class SealBroken(DomainError):
    """Sealed material that cannot be opened: another master key, or damaged ciphertext."""


@dataclass(frozen=True)
class MasterKey:
    """The key that wraps every tender's data key (derived from the configured secret)."""

    key: bytes
    fingerprint: str

    @classmethod
    def from_secret(cls, secret: str) -> MasterKey:
        if not secret:
            raise ValueError("the sealing key is empty")
        key = _hkdf(secret.encode(), MASTER_INFO)
        return cls(key, hmac.new(key, FINGERPRINT_LABEL, hashlib.sha256).hexdigest()[:32])


@dataclass(frozen=True)
class TenderKeys:
    """A new tender key pair: the public key (for sealing) and the wrapped data key."""

    public_key: str
    wrapped: str
    fingerprint: str


def _hkdf(material: bytes, info: bytes) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=KEY_BYTES, salt=None, info=info).derive(material)


def _raw_public(key: X25519PublicKey) -> bytes:
    return key.public_bytes(Encoding.Raw, PublicFormat.Raw)


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


def _unb64(text: str) -> bytes:
    try:
        return base64.b64decode(text.encode(), validate=True)
    except ValueError:
        raise SealBroken(DAMAGED) from None


def tender_context(tender_id: int) -> str:
    return f"tender:{tender_id}"


def bid_context(tender_id: int, bid_id: int, part: str) -> str:
    """Where a sealed value belongs: ``part`` is "price" or "file:<envelope>"."""
    return f"tender:{tender_id}:bid:{bid_id}:{part}"


def new_tender_keys(master: MasterKey, tender_id: int) -> TenderKeys:
    private = X25519PrivateKey.generate()
    raw = private.private_bytes_raw()
    nonce = os.urandom(NONCE_BYTES)
    wrapped = VERSION + nonce + AESGCM(master.key).encrypt(nonce, raw, b"key:" + _ctx(tender_id))
    return TenderKeys(_b64(_raw_public(private.public_key())), _b64(wrapped), master.fingerprint)


def _ctx(tender_id: int) -> bytes:
    return tender_context(tender_id).encode()


def unwrap(master: MasterKey, wrapped: str, fingerprint: str, tender_id: int) -> bytes:
    """The tender's data key (its private key); :class:`SealBroken` when the master key is not
    the one it was wrapped with (told by ``fingerprint``) or the wrapped key was changed."""
    if not hmac.compare_digest(master.fingerprint, fingerprint):
        raise SealBroken(WRONG_KEY)
    sealed = _unb64(wrapped)
    if len(sealed) != 1 + NONCE_BYTES + KEY_BYTES + TAG_BYTES or sealed[:1] != VERSION:
        raise SealBroken(DAMAGED)
    nonce, body = sealed[1 : 1 + NONCE_BYTES], sealed[1 + NONCE_BYTES :]
    try:
        return AESGCM(master.key).decrypt(nonce, body, b"key:" + _ctx(tender_id))
    except InvalidTag:
        raise SealBroken(DAMAGED) from None


def _shared(private: X25519PrivateKey, peer: bytes, ephemeral: bytes, recipient: bytes) -> bytes:
    secret = private.exchange(X25519PublicKey.from_public_bytes(peer))
    return _hkdf(secret + ephemeral + recipient, SEAL_INFO)


def seal_bytes(public_key: str, plaintext: bytes, context: str) -> bytes:
    """``plaintext`` sealed for the tender whose public key (base64) is given."""
    recipient = _unb64(public_key)
    ephemeral = X25519PrivateKey.generate()
    ephemeral_raw = _raw_public(ephemeral.public_key())
    key = _shared(ephemeral, recipient, ephemeral_raw, recipient)
    nonce = os.urandom(NONCE_BYTES)
    body = AESGCM(key).encrypt(nonce, plaintext, context.encode())
    return VERSION + ephemeral_raw + nonce + body


def open_bytes(data_key: bytes, sealed: bytes, context: str) -> bytes:
    head = 1 + KEY_BYTES + NONCE_BYTES
    if len(sealed) < head + TAG_BYTES or sealed[:1] != VERSION:
        raise SealBroken(DAMAGED)
    ephemeral_raw, nonce = sealed[1 : 1 + KEY_BYTES], sealed[1 + KEY_BYTES : head]
    private = X25519PrivateKey.from_private_bytes(data_key)
    key = _shared(private, ephemeral_raw, ephemeral_raw, _raw_public(private.public_key()))
    try:
        return AESGCM(key).decrypt(nonce, sealed[head:], context.encode())
    except InvalidTag:
        raise SealBroken(DAMAGED) from None


def seal_text(public_key: str, text: str, context: str) -> str:
    return _b64(seal_bytes(public_key, text.encode(), context))


def open_text(data_key: bytes, sealed: str, context: str) -> str:
    return open_bytes(data_key, _unb64(sealed), context).decode()


def seal_price(public_key: str, price: Decimal, context: str) -> str:
    return seal_text(public_key, str(price), context)


def open_price(data_key: bytes, sealed: str, context: str) -> Decimal:
    text = open_text(data_key, sealed, context)
    try:
        return Decimal(text)
    except InvalidOperation:
        raise SealBroken(DAMAGED) from None


def seal_name(public_key: str, filename: str, content_type: str, context: str) -> str:
    """A sealed file's name and type (the stored file is named "sealed" until the opening)."""
    return seal_text(public_key, f"{content_type}\n{filename}", context + ":name")


def open_name(data_key: bytes, sealed: str, context: str) -> tuple[str, str]:
    """(filename, content_type) of a sealed file."""
    text = open_text(data_key, sealed, context + ":name")
    content_type, _, filename = text.partition("\n")
    return filename, content_type
