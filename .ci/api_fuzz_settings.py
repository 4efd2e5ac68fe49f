"""Settings of the server .ci/api-fuzz starts: the real ones, with one change for speed.

PBKDF2 at Django's default cost takes over a second per password here, and fuzzing
POST /api/auth/token/ checks hundreds of passwords; MD5 (as tests/conftest.py uses) keeps that to
milliseconds. What the endpoint answers does not depend on the hasher. Never use this in production.
"""

from aftersales.settings import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
