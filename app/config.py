"""Settings from the environment. SQLite is the embedded default; DATABASE_URL selects PostgreSQL."""

from __future__ import annotations

import os
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _database_url() -> str:
    url = os.environ.get("DATABASE_URL") or f"sqlite:///{ROOT / 'instance' / 'anju.db'}"
    # psycopg 3 is the driver we ship; accept the common short spellings.
    if url.startswith("postgres://"):
        url = "postgresql://" + url[len("postgres://") :]
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://") :]
    return url


class Config:
    SECRET_KEY = os.environ.get("SECRET_KEY", "dev-only-change-me")
    SQLALCHEMY_DATABASE_URI = _database_url()
    SQLALCHEMY_ENGINE_OPTIONS: dict = {}
    SQLALCHEMY_RECORD_QUERIES = False
    BPMN_DIR = Path(os.environ.get("ANJU_BPMN_DIR", ROOT / "bpmn"))
    FORMS_DIR = Path(os.environ.get("ANJU_FORMS_DIR", ROOT / "forms"))
    DEPLOY_ON_START = os.environ.get("ANJU_DEPLOY_ON_START", "1") == "1"
    CELERY_BROKER_URL = os.environ.get("CELERY_BROKER_URL") or None  # None: jobs run inline after commit
    JOBS_MODE = os.environ.get("ANJU_JOBS_MODE") or None  # inline | celery | manual; default from the broker
    # Due BPMN timers are fired by a scan every TIMER_SCAN_SECONDS (docs/timers.md): Celery beat → workers with a
    # broker; without one, a thread in the web process (ANJU_TIMER_THREAD=0 turns it off; cron can run
    # `flask anju fire-timers` instead).
    TIMER_SCAN_SECONDS = float(os.environ.get("ANJU_TIMER_SCAN_SECONDS", "5"))
    TIMER_THREAD = os.environ.get("ANJU_TIMER_THREAD", "1") == "1"
    TIMER_SCAN_LIMIT = int(os.environ.get("ANJU_TIMER_SCAN_LIMIT", "500"))  # cases per scan job
    BABEL_DEFAULT_LOCALE = "zh"
    BABEL_TRANSLATION_DIRECTORIES = str(ROOT / "app" / "translations")
    LANGUAGES = ("zh", "en")
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = os.environ.get("ANJU_SECURE_COOKIES", "0") == "1"
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    WTF_CSRF_TIME_LIMIT = None
    RATELIMIT_STORAGE_URI = os.environ.get("RATELIMIT_STORAGE_URI", "memory://")
    RATELIMIT_STRATEGY = "moving-window"  # a fixed window lets 2× the limit through around a minute boundary
    LOGIN_RATE_LIMIT = os.environ.get("ANJU_LOGIN_RATE_LIMIT", "10 per minute")
    MAX_CONTENT_LENGTH = 12 * 1024 * 1024
    # The public address of this installation: letters print <ANJU_PUBLIC_URL>/verify/<code> as their QR code.
    ANJU_PUBLIC_URL = os.environ.get("ANJU_PUBLIC_URL", "http://127.0.0.1:5000")
    DISTRICT_CODE = os.environ.get("ANJU_DISTRICT_CODE", "330106")  # case numbers and letter numbers
    # The dashboard's at-risk forecast (typical step times over 90 days) is recomputed at most this often:
    # ≈ 0.8 s at a million cases, so at-risk counts may be up to this many seconds old.
    FORECAST_CACHE_SECONDS = int(os.environ.get("ANJU_FORECAST_CACHE_SECONDS", "600"))
    TESTING = False


class TestConfig(Config):
    TESTING = True
    FORECAST_CACHE_SECONDS = 0  # tests change history between calls; the cache has its own test
    JOBS_MODE = "manual"  # tests that are about jobs switch to "inline"; the rest don't render PDFs they don't read
    TIMER_THREAD = False  # tests fire timers by calling cases.timers.fire_due with the clock where they want it
    SECRET_KEY = "test"
    SQLALCHEMY_DATABASE_URI = os.environ.get("TEST_DATABASE_URL", "sqlite://")
    WTF_CSRF_ENABLED = True
    DEPLOY_ON_START = True
    RATELIMIT_ENABLED = True
