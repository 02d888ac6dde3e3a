"""Production settings for the processes of the multi-host test (test_multihost.py), with two
changes that save minutes on a loaded machine and change nothing it tests: static files served
without the collected manifest (no collectstatic), and the fast password hasher. The scheduler
logs each claim, which the test reads to see both workers race for the same slot."""

from govtrust.config.settings import *  # noqa: F403

STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
    "loggers": {
        "django": {"handlers": ["console"], "level": "WARNING", "propagate": False},
        "govtrust.worker": {"level": "DEBUG"},
    },
}
