"""The password hasher (settings.PASSWORD_HASHERS, first): Argon2id at OWASP's minimum.

Django's Argon2PasswordHasher defaults to 100 MiB, t=2, p=8. On the county server's 2 cores
the 8 lanes cannot run side by side: one login costs 0.4-0.7 s of a worker on a quiet machine
and up to 3 s under load, with 100 MiB held per login, and a burst of logins (a school's
teachers at 8:00) ties up every worker. OWASP's Password Storage Cheat Sheet gives Argon2id
with m=19 MiB (19,456 KiB), t=2, p=1 as the minimum it recommends; that is ~0.1 s a login here
(docs/deploy.md, "Passwords"). A stored hash made with other parameters (Django's defaults)
still verifies, and Django rehashes it with these at the next successful login
(`must_update`), so old accounts move over on their own.
"""

from django.contrib.auth.hashers import Argon2PasswordHasher


class OwaspArgon2PasswordHasher(Argon2PasswordHasher):
    """Argon2id, m=19 MiB, t=2, p=1 (OWASP's minimum). Its algorithm name stays "argon2":
    the hashes are standard Argon2 strings that carry their own parameters."""

    time_cost = 2
    memory_cost = 19 * 1024  # KiB
    parallelism = 1
