"""Settings for the Exact koppeling portal.

Everything that differs between machines comes from the environment (see the table in
README.md). ``DJANGO_DEBUG=1`` is development mode: an SQLite file, mail on the console,
Celery tasks run in-process when ``REDIS_URL`` is unset, and the Mollie sandbox. Without
it the process is in production mode and refuses to start without its secrets.
"""

from __future__ import annotations

import logging
import re
from datetime import timedelta
from pathlib import Path

import dj_database_url
from celery.schedules import crontab
from csp.constants import NONCE, NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _
from stdnum.eu import vat as eu_vat

from core.env import env_bool, env_int, env_list, env_str
from core.formatting import phone_display, phone_uri, postal_code_display
from portal import deployment, object_storage
from portal.observability import logs

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(env_str("PORTAL_VAR_DIR", str(BASE_DIR / "var")))

DEBUG = env_bool("DJANGO_DEBUG", False)
PRODUCTION = not DEBUG

SECRET_KEY = env_str("DJANGO_SECRET_KEY", required=PRODUCTION) or "dev-only-insecure-key-never-in-production"
ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]", "testserver"], required=PRODUCTION)

SITE_URL = env_str("SITE_URL", "http://127.0.0.1:8000", required=PRODUCTION).rstrip("/")
# Development without SITE_URL: absolute URLs (mails, Mollie redirects, the in-process
# sandbox) follow the address the server was reached on, so any port works
# (portal.middleware.DevelopmentSiteUrlMiddleware).
SITE_URL_FROM_REQUEST = DEBUG and not env_str("SITE_URL")
if PRODUCTION and not SITE_URL.startswith("https://"):
    raise ImproperlyConfigured("SITE_URL must start with https:// in production.")
CSRF_TRUSTED_ORIGINS = [SITE_URL]

# Number of reverse proxies in front of the app that append to X-Forwarded-For. The client
# IP is resolved once (core.client_ip) for allauth, axes and the audit trail alike.
TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0, minimum=0)
ALLAUTH_TRUSTED_PROXY_COUNT = TRUSTED_PROXY_COUNT
# Peer addresses (IPs or networks) that may send X-Forwarded-For. A request from any other
# peer (say, a client that reaches gunicorn directly) is judged by its socket address, so a
# forged header cannot move it out of its lockout. Production with proxies must name them.
TRUSTED_PROXIES = env_list("TRUSTED_PROXIES", ["127.0.0.1", "::1"] if TRUSTED_PROXY_COUNT else [])
_proxy_networks = deployment.parse_networks("TRUSTED_PROXIES", TRUSTED_PROXIES)
if PRODUCTION:  # also in pieces: 0.0.0.0/1,128.0.0.0/1 is every address too
    deployment.refuse_every_address("TRUSTED_PROXIES", _proxy_networks)
if PRODUCTION and TRUSTED_PROXY_COUNT and not env_str("TRUSTED_PROXIES"):
    raise ImproperlyConfigured(
        "TRUSTED_PROXIES must be set when TRUSTED_PROXY_COUNT is: the addresses of the proxies that may send "
        "X-Forwarded-For (e.g. 127.0.0.1 when gunicorn binds to localhost behind the proxy)."
    )
# Who may read /metrics and the details of /healthz/jobs (portal.observability): monitoring
# hosts, as the client-IP resolver above sees them, so a forged X-Forwarded-For cannot pass
# for one. Production names them; unset there means nobody.
METRICS_ALLOWED_IPS = env_list("METRICS_ALLOWED_IPS", ["127.0.0.1", "::1"] if DEBUG else [])
_metrics_networks = deployment.parse_networks("METRICS_ALLOWED_IPS", METRICS_ALLOWED_IPS)
if PRODUCTION:
    deployment.refuse_every_address("METRICS_ALLOWED_IPS", _metrics_networks)

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "allauth.usersessions",
    "axes",
    "cookie_consent",
    "django_countries",
    "csp",
    "core",
    "django_structlog",
    "accounts",
    "audit",
    "consent",
    "vies",
    "subscriptions",
    "retention",
    "privacy",
    "portal",
    "sync",  # before koppeling: its `koppeling` command (koppeling's, plus `sync`) wins
    "koppeling",
    "webshop",
]
if DEBUG:  # a stand-in for Mollie at the HTTP boundary: its tables and URLs exist only here
    INSTALLED_APPS.append("mollie_sandbox")
# The Exact Online sandbox is a stand-in for development and tests: never installed (nor
# migrated) in production.
if DEBUG:
    INSTALLED_APPS.append("exact_sandbox")
# The VIES sandbox likewise (development and tests only).
if DEBUG:
    INSTALLED_APPS.append("vies_sandbox")

MIDDLEWARE = [
    "django_prometheus.middleware.PrometheusBeforeMiddleware",  # request rates and latencies per view
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Outside the session and everything else, so the floor covers the whole answer.
    "accounts.middleware.AnswerFloorMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "portal.middleware.DevelopmentSiteUrlMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "portal.middleware.RequestContextMiddleware",
    "portal.observability.request_logs.RequestLogMiddleware",  # one log line per request, with its id
    "portal.middleware.SecurityHeadersMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "portal.middleware.IdleTimeoutMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "portal.middleware.UserSessionsActivityMiddleware",  # allauth's tracking, once a minute per session
    "accounts.middleware.StaffMFARequiredMiddleware",
    # axes must come last: it turns a lockout raised anywhere above into the lockout page.
    "axes.middleware.AxesMiddleware",
    "django_prometheus.middleware.PrometheusAfterMiddleware",
]

ROOT_URLCONF = "portal.urls"
WSGI_APPLICATION = "portal.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "portal.context_processors.site",
                "consent.statement.views.notice",
            ],
        },
    },
]

# --- Database ---------------------------------------------------------------------------
_default_db = f"sqlite:///{VAR_DIR / 'db.sqlite3'}" if DEBUG else None
if DEBUG:
    VAR_DIR.mkdir(parents=True, exist_ok=True)
DATABASE_URL = env_str("DATABASE_URL", _default_db, required=PRODUCTION)
DATABASES = {"default": dj_database_url.parse(DATABASE_URL)}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
    }
else:
    DATABASES["default"]["CONN_MAX_AGE"] = env_int("DATABASE_CONN_MAX_AGE", 60, minimum=0)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
if env_str("DJANGO_TEST_DB_NAME"):
    DATABASES["default"]["TEST"] = {"NAME": env_str("DJANGO_TEST_DB_NAME")}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Redis: cache, sessions, Celery -----------------------------------------------------
REDIS_URL = env_str("REDIS_URL")
if PRODUCTION and not REDIS_URL:
    raise ImproperlyConfigured("The environment variable REDIS_URL must be set.")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": env_str("CACHE_KEY_PREFIX", "portal"),
            "TIMEOUT": 300,
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# Rendered template fragments that are the same for every customer (links and their texts,
# per language): kept in each process's memory, no round trip; they change only on deploy.
CACHES["fragments"] = {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "fragments"}
# Rarely changed values every page reads (the statement's state, the cookie groups): kept in
# each process's memory while one shared token in the default cache is unchanged; a change
# writes a new token, which every process reads with the session (core.shared_version).
CACHES["versioned"] = {"BACKEND": "core.shared_version.VersionedLocalCache"}

# Django's cached_db sessions, whose cache read also fetches core.shared_version's token.
SESSION_ENGINE = "core.sessions"
# Idle sessions end: the recorded activity (written at most once a minute by
# portal.middleware.IdleTimeoutMiddleware, which also saves the session and so pushes its
# expiry forward) is checked on every request; an idle session runs out.
SESSION_COOKIE_AGE = env_int("SESSION_IDLE_SECONDS", 30 * 60, minimum=60)
SESSION_SAVE_EVERY_REQUEST = False
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_SAMESITE = "Lax"
if PRODUCTION:
    # The __Host- prefix makes browsers refuse these cookies unless Secure, host-only, path /.
    SESSION_COOKIE_NAME = "__Host-sessionid"
    CSRF_COOKIE_NAME = "__Host-csrftoken"

CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_RESULT_BACKEND = REDIS_URL or None
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TASK_DEFAULT_QUEUE = env_str("CELERY_QUEUE", "portal")
# A task a worker took and never acknowledged (the whole worker was killed, its machine
# lost) goes back to the queue this long after it was handed out (Redis's visibility
# timeout; kombu's default is an hour). Every task ends well within it: the hard time limit
# plus the longest countdown of a retry or batch pause stay below it (a task held past it
# would run twice; portal/tests/test_dead_worker.py checks every registered task). Each
# worker looks for such tasks every TASK_UNACKED_RESTORE_INTERVAL seconds and when it starts.
TASK_VISIBILITY_TIMEOUT = env_int("CELERY_VISIBILITY_TIMEOUT", 15 * 60, minimum=2)
CELERY_TASK_TIME_LIMIT = env_int("CELERY_TASK_TIME_LIMIT", 5 * 60, minimum=1)
TASK_LONGEST_COUNTDOWN = 9 * 60  # retry_backoff_max and every countdown stay at or below this
TASK_UNACKED_RESTORE_INTERVAL = max(1, min(60, TASK_VISIBILITY_TIMEOUT // 10))
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": TASK_VISIBILITY_TIMEOUT,
    "unacked_restore_interval": TASK_UNACKED_RESTORE_INTERVAL,
    "unacked_restore_throttle": 1,  # every interval a real look, not every tenth
}
CELERY_RESULT_BACKEND_TRANSPORT_OPTIONS = {"visibility_timeout": TASK_VISIBILITY_TIMEOUT}
CELERY_TIMEZONE = "UTC"
# stdout is not a log: the development console mail backend prints there (as under
# runserver), and log records go through LOGGING alone (portal.observability.logs).
CELERY_WORKER_REDIRECT_STDOUTS = False
# Compliance jobs are code, reviewed like code: the schedule lives here, not in the admin.
CELERY_BEAT_SCHEDULE: dict[str, dict] = {
    # The sync engine: queue the divisions that are due (sync.services.schedule.tick).
    "sync-tick": {"task": "sync.tasks.tick", "schedule": 60.0},
    # One mail per customer a day, only when there are new sync errors (sync.services.digest).
    "sync-error-digest-daily": {"task": "sync.tasks.error_digest", "schedule": crontab(hour=7, minute=15)},
    "audit-checkpoint-hourly": {"task": "audit.tasks.audit_checkpoint", "schedule": crontab(minute=7)},
    "mollie-reconcile": {"task": "subscriptions.tasks.reconcile", "schedule": crontab(minute="*/15")},
    "retention-enforce-daily": {"task": "retention.tasks.enforce_retention", "schedule": crontab(hour=3, minute=30)},
    # Reminders and the end of unpaid subscriptions (subscriptions.services.dunning_run);
    # 08:00 UTC so the mails arrive in the (Dutch) morning.
    "billing-dunning-daily": {"task": "subscriptions.tasks.dunning", "schedule": crontab(hour=8, minute=0)},
    # Charges paid after their account was closed are refunded in full (subscriptions.services.closure; the task keeps its first name).
    "billing-late-charges-after-closure": {
        "task": "subscriptions.closure.refund_late_charges",
        "schedule": crontab(minute=41),
    },
    # Mailings whose batches stopped (lost task, dead worker) go on (consent.marketing.services).
    "marketing-resume-mailings": {
        "task": "consent.marketing.tasks.resume_mailings",
        "schedule": crontab(minute="*/10"),
    },
    # VIES checks that could not be made (VIES or a member state down) are tried again
    # (vies.services); VAT ids whose last answer is older than 25 days are checked again,
    # so a valid one keeps reverse charge (valid for 30 days).
    "vies-retry-due": {"task": "vies.tasks.retry_due", "schedule": crontab(minute="*/10")},
    "vies-renew-daily": {"task": "vies.tasks.renew_checks", "schedule": crontab(hour=4, minute=15)},
    # Requests from people at day 20 and day 27 of their one-month term: a mail to the
    # privacy office (privacy.services.request_reminders_send).
    "privacy-request-reminders-daily": {
        "task": "privacy.tasks.request_reminders",
        "schedule": crontab(hour=7, minute=0),
    },
    # Invoice and credit note mail whose task was lost (subscriptions.services.notifications).
    "billing-unmailed-documents": {
        "task": "subscriptions.tasks.mail_unsent_documents",
        "schedule": crontab(minute=25),
    },
}

# Heartbeats of scheduled jobs: /healthz/jobs and `manage.py jobs status` (portal.health);
# not part of /readyz, so a late job never takes the web tier out of the load balancer.
# Every job in CELERY_BEAT_SCHEDULE is reported; these have a check of their own instead of
# the generic "two runs missed" rule (job name -> callable that raises when overdue).
JOB_HEARTBEAT_CHECKS = {"retention-enforce-daily": "retention.services.check_heartbeat"}

# --- Authentication ---------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "accounts.auth_backends.AuthenticationBackend",  # allauth's, one password hash per attempt
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "accounts.passwords.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_URL_PATH = "/accounts/login/"
LOGIN_REDIRECT_URL = "portal:dashboard"

ACCOUNT_ADAPTER = "accounts.adapter.AccountAdapter"
ACCOUNT_LOGIN_METHODS = {"username", "email"}
ACCOUNT_SIGNUP_FIELDS = ["username*", "email*", "password1*", "password2*"]
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_CHANGE_EMAIL = True
ACCOUNT_EMAIL_NOTIFICATIONS = True
ACCOUNT_LOGOUT_ON_GET = False
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False  # the current session stays; the others end
ACCOUNT_CONFIRM_EMAIL_ON_GET = False
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = False
ACCOUNT_PRESERVE_USERNAME_CASING = False
ACCOUNT_USERNAME_MIN_LENGTH = 3
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[Exact koppeling] "
ACCOUNT_DEFAULT_HTTP_PROTOCOL = "http" if DEBUG else "https"
ACCOUNT_FORMS = {"signup": "consent.marketing.forms.SignupForm"}  # accounts' form + the marketing objection
# allauth's login_failed limit is also the only throttle on TOTP and recovery codes: it
# stays on, looser than axes (5 per account and IP) so that axes decides the lockout.
ACCOUNT_RATE_LIMITS = {
    "login_failed": "30/m/ip,10/5m/key",
    "signup": "20/m/ip",
    "reset_password": "20/m/ip,5/m/key",
    "confirm_email": "1/3m/key",
}
# Login, signup and password reset POSTs are answered no sooner than this (milliseconds; 0 = off):
# above the slowest of them, so their time tells nothing about the account (accounts.middleware).
ACCOUNT_ANSWER_FLOOR_MS = env_int("ACCOUNT_ANSWER_FLOOR_MS", 500, minimum=0)
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes", "webauthn"]
MFA_ADAPTER = "accounts.mfa.MFAAdapter"
MFA_FORMS = {"activate_totp": "accounts.mfa.ActivateTOTPForm"}  # the key being set up, encrypted in the session
# Encrypts TOTP secrets and recovery-code seeds at rest (accounts/mfa.py); comma-separated,
# the first encrypts, all decrypt (rotation). Kept outside the database.
MFA_ENCRYPTION_KEYS = env_list("MFA_ENCRYPTION_KEY", required=PRODUCTION) or ["dev-only-mfa-encryption-key"]
MFA_TOTP_ISSUER = "Exact koppeling"
MFA_WEBAUTHN_ALLOW_INSECURE_ORIGIN = DEBUG
MFA_PASSKEY_LOGIN_ENABLED = False
USERSESSIONS_TRACK_ACTIVITY = True

AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = timedelta(minutes=15)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_USERNAME_CALLABLE = "accounts.security.axes_username"
AXES_CLIENT_IP_CALLABLE = "core.client_ip.axes_client_ip"
AXES_LOCKOUT_CALLABLE = "accounts.views.locked_out"
AXES_RESET_ON_SUCCESS = True
AXES_HTTP_RESPONSE_CODE = 429
AXES_VERBOSE = False
AXES_ENABLE_ADMIN = True
# The login field too: whatever was typed (sometimes a password) is not kept as typed.
AXES_SENSITIVE_PARAMETERS = ["password", "password1", "password2", "code", "login", "username", "email"]

# --- Internationalisation ---------------------------------------------------------------
LANGUAGE_CODE = "nl"
LANGUAGES = [("nl", _("Nederlands")), ("en", _("English"))]
FORMAT_MODULE_PATH = ["core.formats"]  # long dates in prose, dd-mm-jjjj in tables
# Both win over the libraries' catalogues. locale/: the English of our own (Dutch) texts, kept by
# `make messages`. locale_overrides/: hand-kept Dutch that replaces libraries' texts. They share
# no msgid that would translate differently (portal/tests/test_catalogues.py), so their order
# only matters to makemessages, which writes into the first.
LOCALE_PATHS = [BASE_DIR / "locale", BASE_DIR / "locale_overrides"]
LANGUAGE_COOKIE_SECURE = PRODUCTION
LANGUAGE_COOKIE_HTTPONLY = True
LANGUAGE_COOKIE_SAMESITE = "Lax"
TIME_ZONE = "Europe/Amsterdam"
USE_I18N = True
USE_TZ = True

# --- Static files -----------------------------------------------------------------------
STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = BASE_DIR / "staticfiles"
STORAGES = {
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
MEDIA_ROOT = VAR_DIR / "media"
# Generated files: S3-compatible object storage (S3_BUCKET, ...) or, in development and on
# one machine on purpose (SINGLE_NODE=1), MEDIA_ROOT (portal/object_storage.py).
STORAGES["default"] = object_storage.default_storage(production=PRODUCTION)

# --- Mail -------------------------------------------------------------------------------
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "Exact koppeling <noreply@codexconnectors.nl>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# The links in every mail's footer (unsubscribe from advertising, e-mail preferences) come
# from consent's marketing, registered here so the mail module (core) imports no feature.
MAIL_FOOTER_LINKS = "consent.marketing.tokens.footer_links"

# Closing an account (accounts.services.account_close): these steps run in this order, inside
# the closing transaction, each given the closure (accounts.services.AccountClosure). Billing
# first, while the subscription is still live (it settles the paid period and refunds the
# unused days); the mail last, so it can say what the steps before it did.
ACCOUNT_CLOSE_STEPS = [
    "subscriptions.services.closure.billing_on_account_close",
    "koppeling.services.disconnect_on_account_close",
    "koppeling.services.api_keys_revoke_on_account_close",
    "accounts.services.sessions_end_on_account_close",
    "accounts.services.mail_on_account_close",
]
# What the close-account page shows besides the retention date (each returns a dict).
ACCOUNT_CLOSE_PREVIEWS = ["subscriptions.services.closure.closure_preview"]
# Called inside accounts.services.profile_update with (profile=, changes=) when the customer's
# profile changed: billing mails the confirmation link of a new billing address.
PROFILE_CHANGE_STEPS = [
    "subscriptions.services.billing_email.on_profile_changed",
    "vies.services.on_profile_changed",  # a new VAT id is checked in VIES (after commit)
]
if env_str("EMAIL_HOST"):
    EMAIL_DELIVERY_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_HOST = env_str("EMAIL_HOST")
    EMAIL_PORT = env_int("EMAIL_PORT", 587)
    EMAIL_HOST_USER = env_str("EMAIL_HOST_USER")
    EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD")
    EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", True)
    EMAIL_TIMEOUT = 10
elif DEBUG:
    EMAIL_DELIVERY_BACKEND = "django.core.mail.backends.console.EmailBackend"
else:
    raise ImproperlyConfigured("The environment variable EMAIL_HOST must be set.")
# Every message is counted for the metrics on its way to the real backend above.
EMAIL_BACKEND = "portal.observability.mail.CountingEmailBackend"

# --- Marketing mail (consent.marketing): batches friendly to the SMTP relay ---------------
MARKETING_BATCH_SIZE = env_int("MARKETING_BATCH_SIZE", 50, minimum=1)
MARKETING_BATCH_PAUSE = env_int("MARKETING_BATCH_PAUSE", 6, minimum=0)  # seconds between batches
if (
    TASK_VISIBILITY_TIMEOUT <= CELERY_TASK_TIME_LIMIT + max(TASK_LONGEST_COUNTDOWN, MARKETING_BATCH_PAUSE)
    and PRODUCTION
):
    # A task still held by its worker when the timeout passes is handed out again: it would run twice.
    raise ImproperlyConfigured(
        "CELERY_VISIBILITY_TIMEOUT must be longer than CELERY_TASK_TIME_LIMIT plus the longest countdown "
        f"({TASK_LONGEST_COUNTDOWN} s, or MARKETING_BATCH_PAUSE if longer)."
    )
# A marketing recipient claimed this long ago by a batch that never marked it belongs to a
# worker that died (no batch runs longer than the task time limit): it counts as unknown.
MARKETING_STALE_CLAIM_SECONDS = env_int("MARKETING_STALE_CLAIM_SECONDS", CELERY_TASK_TIME_LIMIT, minimum=1)

# --- Security ---------------------------------------------------------------------------
SECURE_SSL_REDIRECT = PRODUCTION
SESSION_COOKIE_SECURE = PRODUCTION
CSRF_COOKIE_SECURE = PRODUCTION
CSRF_COOKIE_HTTPONLY = True
SECURE_HSTS_SECONDS = 365 * 24 * 3600 if PRODUCTION else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = PRODUCTION
SECURE_HSTS_PRELOAD = PRODUCTION
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if TRUSTED_PROXY_COUNT:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# The webshop API (webshop.api): requests per key per clock minute before 429.
WEBSHOP_API_REQUESTS_PER_MINUTE = env_int("WEBSHOP_API_REQUESTS_PER_MINUTE", 600, minimum=1)
DATA_UPLOAD_MAX_MEMORY_SIZE = 256 * 1024  # also the largest order the webshop API takes (413 above it)
DATA_UPLOAD_MAX_NUMBER_FIELDS = 200

GA_MEASUREMENT_ID = env_str("GA_MEASUREMENT_ID")
if GA_MEASUREMENT_ID and not re.fullmatch(r"G-[A-Z0-9]{4,20}", GA_MEASUREMENT_ID):
    raise ImproperlyConfigured(
        f"GA_MEASUREMENT_ID is not a Google Analytics 4 id: {GA_MEASUREMENT_ID!r} (e.g. G-ABC123XYZ)."
    )
# Cookie consent (django-cookie-consent for the groups, consent/ for the banner and proof).
# Its cookie is not Secure by default; in production it gets the __Host- prefix like ours.
COOKIE_CONSENT_NAME = "__Host-cookie_consent" if PRODUCTION else "cookie_consent"
COOKIE_CONSENT_SECURE = PRODUCTION
COOKIE_CONSENT_MAX_AGE = 365 * 24 * 3600  # the browser forgets it with the decision's 12 months
COOKIE_CONSENT_LOG_ENABLED = False  # its log holds no user or address: consent.CookieConsentRecord is the proof
COOKIE_CONSENT_CACHE_BACKEND = "versioned"  # groups kept per process, checked against the shared token
# Google's hosts are in the CSP only when analytics is configured at all.
GOOGLE_ANALYTICS_HOSTS = [
    "https://www.googletagmanager.com",
    "https://*.google-analytics.com",
    "https://*.analytics.google.com",
]
_GA_HOSTS = GOOGLE_ANALYTICS_HOSTS if GA_MEASUREMENT_ID else []
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE, *_GA_HOSTS],
        "style-src": [SELF],
        "img-src": [SELF, "data:", *_GA_HOSTS],
        "connect-src": [SELF, *_GA_HOSTS],
        "font-src": [SELF],
        "object-src": [NONE],
        "base-uri": [NONE],
        "frame-ancestors": [NONE],
        "form-action": [SELF, "https://www.mollie.com"],  # the subscribe form redirects to Mollie's checkout
    }
}


# --- The company, printed on invoices and in the privacy statement ----------------------
def _company_number(name: str, valid, example: str) -> str:
    """KvK number and VAT id: a Dutch invoice must carry both, so production needs them."""
    value = env_str(name, required=PRODUCTION).strip()
    if value and not valid(value):
        raise ImproperlyConfigured(f"{name} is not valid: {value!r} (for example {example}).")
    return value


COMPANY = {
    "name": env_str("COMPANY_NAME", "Codex Connectors B.V."),
    "street": env_str("COMPANY_STREET", "Klokgebouw 253"),
    "postal_code": postal_code_display(env_str("COMPANY_POSTAL_CODE", "5617 AC")),
    "city": env_str("COMPANY_CITY", "Eindhoven"),
    "country": env_str("COMPANY_COUNTRY", "NL"),
    "email": env_str("COMPANY_EMAIL", "info@iwebdevelopment.nl"),
    # Shown as people read it ("+31 76 700 2008"); tel: links use phone_uri.
    "phone": phone_display(env_str("COMPANY_PHONE", "+31767002008")),
    "phone_uri": phone_uri(env_str("COMPANY_PHONE", "+31767002008")),
    "kvk": _company_number("COMPANY_KVK", lambda v: len(v) == 8 and v.isascii() and v.isdigit(), "12345678"),
    "vat_id": _company_number("COMPANY_VAT_ID", eu_vat.is_valid, "NL123456789B01"),
}
# Where the privacy office's reminders (requests from people at day 20 and 27) go; empty:
# the company address above.
PRIVACY_OFFICE_EMAIL = env_str("PRIVACY_OFFICE_EMAIL", "")
PRODUCT_NAME = "Exact koppeling"

# --- Audit and Mollie -------------------------------------------------------------------
AUDIT_SIGNING_KEY = env_str("AUDIT_SIGNING_KEY", required=PRODUCTION) or "dev-only-audit-key"
AUDIT_CHECKPOINT_DIR = Path(env_str("AUDIT_CHECKPOINT_DIR", str(VAR_DIR / "audit-checkpoints")))
# Checkpoints in their own bucket or prefix, locked where the store can (portal/object_storage.py).
STORAGES["checkpoints"] = object_storage.checkpoint_storage()
MOLLIE_API_KEY = deployment.check_mollie_api_key(env_str("MOLLIE_API_KEY", required=PRODUCTION))
# Empty: api.mollie.com with a live/test key, or the project's sandbox (SITE_URL +
# "/sandbox/mollie") in development and tests when MOLLIE_API_KEY is unset or a test key.
MOLLIE_API_ENDPOINT = env_str("MOLLIE_API_ENDPOINT")
MOLLIE_SANDBOX_API_KEY = "test_portalsandboxdevelopmentkey"
MOLLIE_TIMEOUT = (env_int("MOLLIE_CONNECT_TIMEOUT", 2, minimum=1), env_int("MOLLIE_READ_TIMEOUT", 10, minimum=1))
MOLLIE_RETRY_DELAYS = (0.3, 1.0)  # seconds before the 2nd and 3rd attempt of one call

# --- VIES (VAT ids checked at the EU) --------------------------------------------------
# Empty: the project's sandbox (SITE_URL + "/sandbox/vies") in development and tests, VIES's
# REST API (https://ec.europa.eu/taxation_customs/vies/rest-api) in production.
VIES_API_URL = env_str("VIES_API_URL")
if PRODUCTION and VIES_API_URL and not VIES_API_URL.startswith("https://"):
    raise ImproperlyConfigured("VIES_API_URL must start with https:// in production.")
VIES_TIMEOUT = (env_int("VIES_CONNECT_TIMEOUT", 3, minimum=1), env_int("VIES_READ_TIMEOUT", 10, minimum=1))

# --- Exact Online (the koppeling) ------------------------------------------------------
# Production needs its own app registration at Exact (README, "Exact Online in production").
# In development without EXACT_CLIENT_ID the project's sandbox stands in (SITE_URL +
# "/sandbox/exact"), with its own made-up client.
EXACT_CLIENT_ID = env_str("EXACT_CLIENT_ID", required=PRODUCTION)
EXACT_CLIENT_SECRET = env_str("EXACT_CLIENT_SECRET", required=PRODUCTION)
EXACT_BASE_URL = env_str("EXACT_BASE_URL", "https://start.exactonline.nl").rstrip("/")
if PRODUCTION and not EXACT_BASE_URL.startswith("https://"):
    raise ImproperlyConfigured("EXACT_BASE_URL must start with https:// in production.")
EXACT_SANDBOX_CLIENT_ID = "sandbox-client-0001"
EXACT_SANDBOX_CLIENT_SECRET = "sandbox-secret-development-only"  # noqa: S105 (the sandbox's own made-up client)
EXACT_TIMEOUT = (env_int("EXACT_CONNECT_TIMEOUT", 3, minimum=1), env_int("EXACT_READ_TIMEOUT", 15, minimum=1))
EXACT_RETRY_DELAYS = (0.5, 2.0)  # seconds before the 2nd and 3rd attempt of a GET
EXACT_RATE_LIMIT_MAX_WAIT = 5  # seconds a request may wait for Exact's minute limit to reset
# The sync engine (sync/, docs/koppeling.md "The sync engine"): each run takes a bounded
# batch so one division's backlog never holds up another's orders past one beat tick.
SYNC_BATCH_ORDERS = env_int("SYNC_BATCH_ORDERS", 100, minimum=1)  # orders per run at most
SYNC_RUN_SECONDS = env_int("SYNC_RUN_SECONDS", 20, minimum=1)  # a run starts no new order after this
# A run that stopped at its bound queues its own continuation at the back of the queue (behind
# the runs already queued for other customers), or after the minute budget's reset; off, the
# next tick continues it.
SYNC_CONTINUE_BACKLOG = True
SYNC_ENDPOINT_ERROR_LIMIT = 5  # stop calling an endpoint at this many errors in the hour (Exact blocks past 10)
SYNC_PAYMENT_BATCH = 20  # payment statuses read per run at most
SYNC_PAYMENT_CHECK_EVERY = 3600  # seconds between two reads of one invoice's payment status
SYNC_REQUEUE_AFTER = 300  # seconds after which a queued run that never started is queued again
SYNC_RETRY_BACKOFF = env_int("SYNC_RETRY_BACKOFF", 30, minimum=1)  # seconds; doubles per attempt, at most an hour
SYNC_GIVE_UP_AFTER = 86400  # seconds an order keeps being retried after Exact did not answer
# Fernet keys (urlsafe base64, 32 bytes), comma-separated, newest first: the first encrypts,
# all decrypt. Rotation: put a new key first, run `manage.py koppeling rotate-keys`, then drop
# the old one. The development key is public and only ever used with the sandbox.
KOPPELING_TOKEN_KEY = deployment.check_fernet_keys(
    "KOPPELING_TOKEN_KEY",
    env_list("KOPPELING_TOKEN_KEY", required=PRODUCTION) or ["ZGV2LW9ubHkta29wcGVsaW5nLXRva2VuLWtleS0wMDA="],
)

# --- Logging (portal.observability.logs, docs/operations.md) ----------------------------
# One JSON object per line in production; readable lines in development. Either way the
# same fields and the same redaction.
LOG_FORMAT = env_str("LOG_FORMAT", "plain" if DEBUG else "json")
if LOG_FORMAT not in ("json", "plain"):
    raise ImproperlyConfigured(f"LOG_FORMAT must be json or plain, not {LOG_FORMAT!r}.")
LOGGING = logs.logging_config(json=LOG_FORMAT == "json", level=env_str("LOG_LEVEL", "INFO").upper())
logs.configure_structlog()
DJANGO_STRUCTLOG_CELERY_ENABLED = True  # task id and name, and the request id carried into tasks
DJANGO_STRUCTLOG_IP_LOGGING_ENABLED = False  # client addresses stay out of the logs
DJANGO_STRUCTLOG_STATUS_START_LOG_LEVEL = logging.DEBUG  # request_finished says it all, once

# --- Metrics (portal.observability.metrics, docs/operations.md) --------------------------
# Read at scrape time, the same on every node. Each entry is a class whose collect() yields
# prometheus_client metric families; an app adds its own here (docs/operations.md, "Metrics").
METRICS_COLLECTORS = [
    "portal.observability.collectors.SharedMetricsCollector",
    "portal.observability.collectors.CeleryQueueCollector",
    "retention.metrics.OverdueCollector",
    "audit.metrics.CheckpointCollector",
    "webshop.metrics.SyncBacklogCollector",
    "sync.metrics.SyncRunsCollector",
]
PROMETHEUS_EXPORT_MIGRATIONS = False
