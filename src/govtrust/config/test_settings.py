"""Settings for the test suite: the production settings with plain HTTP and a fast hasher."""

from govtrust.config.settings import *  # noqa: F403

SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
SECURE_SSL_REDIRECT = False
SECURE_HSTS_SECONDS = 0
# Argon2 on every test login would dominate the run; production keeps Argon2 first.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# Tests run background tasks where they are enqueued; the worker itself is tested end to end.
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # noqa: F405 - whitenoise warns when it is missing
# A `replica` alias mirroring the test database, so the read-replica router can be tested on
# any engine (tests/core/test_replica.py); reads go to it only where a test turns it on.
DATABASES["replica"] = {**DATABASES["default"], "TEST": {"MIRROR": "default"}}  # noqa: F405
GOVTRUST_REPLICA_READS = False
# Each test has its own database but the same var/: public pages are cached in memory, and
# tests/conftest.py empties that cache before every test.
# The default cache is never a developer's Redis (REDIS_URL), whose state outlives a test run
# (schedule claims at fixed times, throttles); the Redis tests bring their own, flushed database.
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
        "LOCATION": str(VAR_DIR / "cache"),  # noqa: F405
    },
    "public": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "public"},
}
