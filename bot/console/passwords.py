"""Console passwords: argon2id hashes, never the password itself."""

from __future__ import annotations

import functools

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

MIN_LENGTH = 12
# OWASP's first argon2id configuration (19 MiB, 2 passes, 1 lane): about 0.2 s on a small 2-core server,
# where argon2-cffi's default (64 MiB, 4 lanes) takes a second per login and invites a CPU denial of service
TIME_COST, MEMORY_KIB, LANES = 2, 19 * 1024, 1


def _hasher() -> PasswordHasher:
    return PasswordHasher(time_cost=TIME_COST, memory_cost=MEMORY_KIB, parallelism=LANES)


def hash_password(password: str) -> str:
    if len(password) < MIN_LENGTH:
        raise ValueError(f"a console password needs at least {MIN_LENGTH} characters")
    return _hasher().hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    try:
        return _hasher().verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    return _hasher().check_needs_rehash(password_hash)


@functools.cache
def dummy_hash() -> str:
    """Verified against when the email is unknown, so both cases take the same time."""
    return _hasher().hash("not-a-real-password-only-for-timing")
