"""Production settings for the processes of the multi-host test (test_multihost.py), with two
changes that save minutes on a loaded machine and change nothing it tests: static files served
without the collected manifest (no collectstatic), and the fast password hasher. The scheduler
logs each claim, which the test reads to see both workers race for the same slot."""

from typing import Any, cast

from govtrust.config.settings import *  # noqa: F403

STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# Only these processes use this module, so changing the imported dict in place is harmless.
cast(dict[str, Any], LOGGING["loggers"])["govtrust.worker"] = {"level": "DEBUG"}  # noqa: F405
