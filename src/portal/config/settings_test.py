"""Test settings: the real settings, with the database the test run was given.

``CHENGQU_TEST_DATABASE_URL`` (e.g. ``postgres://postgres@127.0.0.1:5432/chengqu_ci``) runs the
whole suite on PostgreSQL; without it the suite runs on SQLite and tests marked ``pg`` skip.
"""

import os
import tempfile
from pathlib import Path

import dj_database_url

from portal.config.settings import *  # noqa: F403  (the Django idiom for an override module)
from portal.config.settings import DATABASES, STATIC_ROOT, STORAGES

if os.environ.get("CHENGQU_TEST_DATABASE_URL"):
    DATABASES["default"] = dj_database_url.parse(os.environ["CHENGQU_TEST_DATABASE_URL"])

# Serve static files from the app folders: tests do not run collectstatic.
WHITENOISE_USE_FINDERS = True
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # whitenoise warns when it is missing
STORAGES["staticfiles"] = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}
# The audit key and head file never in the developer's data directory (tests/portal/conftest.py
# gives each test its own directory).
CHENGQU_AUDIT_DIR = Path(tempfile.mkdtemp(prefix="chengqu-test-audit-"))
# A fast hasher: the suite creates many users; production keeps Django's PBKDF2.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
