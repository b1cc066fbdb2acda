"""Settings for Öppna beslut, read from the environment (see .env.example)."""

import hashlib
import os
import tempfile
from datetime import timedelta
from pathlib import Path

import dj_database_url

BASE_DIR = Path(__file__).resolve().parent.parent


def envbool(name: str, default: str) -> bool:
    return os.getenv(name, default).lower() in ("1", "true", "yes", "on")


def envlist(name: str, default: str) -> list[str]:
    return [
        item.strip() for item in os.getenv(name, default).split(",") if item.strip()
    ]


# DJANGO_ENV=production: a public server, which must say who it is
# (SECRET_KEY, ALLOWED_HOSTS) and gets every protection below by default.
PRODUCTION = os.getenv("DJANGO_ENV") == "production"
DEBUG = envbool("DEBUG", "false")
SECRET_KEY = os.getenv("SECRET_KEY", "")
if PRODUCTION and (DEBUG or len(SECRET_KEY) < 50 or not os.getenv("ALLOWED_HOSTS")):
    raise RuntimeError(
        "DJANGO_ENV=production needs SECRET_KEY (50 characters or more), "
        "ALLOWED_HOSTS, and DEBUG off"
    )
if not SECRET_KEY:
    # A fixed key for local runs and tests only; production sets SECRET_KEY.
    SECRET_KEY = "dev-only-insecure-key-oppna-beslut"
ALLOWED_HOSTS = envlist("ALLOWED_HOSTS", "127.0.0.1,localhost,testserver")

INSTALLED_APPS = [
    # django.contrib.admin, with the site that asks for a second factor.
    "accounts.apps.AdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.sitemaps",
    "django.contrib.postgres",
    "django_filters",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "csp",
    "corsheaders",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    # The task queue's tables, its `manage.py procrastinate worker` and its
    # jobs in the admin (decisions/tasks.py has the tasks).
    "procrastinate.contrib.django",
    "accounts",
    "decisions",
]

MIDDLEWARE = [
    # First, so its log line times everything and every line has its id.
    "portal.middleware.RequestLog",
    # Before anything that reads a request's body (sessions, CSRF, forms): a
    # body too large for its address is refused unread. RequestLog reads none.
    "portal.middleware.LimitRequestBody",
    # Every query a request runs, middleware's too, is cut if the database
    # never answers it (a 503 from portal.outage).
    "portal.deadline.DatabaseDeadline",
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "portal.middleware.PermissionsPolicy",
    "portal.middleware.RefuseNul",
    "portal.routers.ReadersOnReplicas",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # CORS headers (and the answer to a preflight) for the API and the feeds
    # only, before the kept pages and the rate limits answer (CORS_* below).
    "corsheaders.middleware.CorsMiddleware",
    # gzip for public pages, feeds, JSON and CSV; never the admin, nor a
    # response with a cookie (BREACH). Outside the kept pages and the ETags
    # (ArchiveCaching, ConditionalGetMiddleware), which see the page as
    # rendered, and outside the sessions, whose cookie it must see.
    "portal.middleware.CompressPublic",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # ETag from the body, and 304 for If-None-Match / If-Modified-Since, for
    # what decisions.caching leaves alone (the admin).
    "django.middleware.http.ConditionalGetMiddleware",
    # 304 before any view when the archive has not changed; validators and
    # Cache-Control on public responses. Outside LocaleMiddleware, whose
    # Vary: Accept-Language it drops (the language is in the path).
    "decisions.caching.ArchiveCaching",
    # After it: a 304 costs one read and is not counted.
    "portal.ratelimit.RateLimit",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # request.user.is_verified(): signed in with a second factor.
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last: turns a login that django-axes locked out into its page.
    "axes.middleware.AxesMiddleware",
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
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
            ],
        },
    },
]

# DATABASE_URL selects a server; `make` sets it to the project's private server
# when the caller gave none (see scripts/pg.sh).
DATABASES = {
    "default": dj_database_url.parse(
        os.getenv("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/oppna_beslut"),
        conn_max_age=int(os.getenv("CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
# Read replicas (streaming replication from the primary), comma-separated:
# readers' requests read from them, the rest uses the primary (portal.routers).
for number, url in enumerate(envlist("DATABASE_REPLICA_URLS", ""), start=1):
    DATABASES[f"replica{number}"] = {
        **dj_database_url.parse(
            url,
            conn_max_age=DATABASES["default"]["CONN_MAX_AGE"],
            conn_health_checks=True,
        ),
        # Tests read the primary through it: it is the same data.
        "TEST": {"MIRROR": "default"},
    }
DATABASE_ROUTERS = ["portal.routers.ReplicaRouter"]
# JIT compiling costs more than it saves on the archive's short queries (it
# added ~17 ms to a 2 s search plan at a million paragraphs and nothing useful).
#
# Timeouts, so that a database out of reach is a quick 503 (portal.outage)
# rather than a request hanging until gunicorn kills its worker: seconds to
# wait for a connection (a server that accepts and never answers), and the
# longest one SQL statement may run (lock waits included) before PostgreSQL
# cancels it. The web's statement timeout stays below GUNICORN_TIMEOUT (30 s);
# a search takes well under a second. Commands (migrate, ingest, reparse,
# dump_archive, a task worker) run with DATABASE_COMMAND_STATEMENT_TIMEOUT,
# none by default: an index built on a million rows or a large ingest may
# take minutes. portal/wsgi.py says a process serves the web (`manage.py
# runserver`, a development server, runs as a command).
SERVES_WEB = os.getenv("OPPNA_BESLUT_PROCESS") == "web"
DATABASE_CONNECT_TIMEOUT = int(os.getenv("DATABASE_CONNECT_TIMEOUT", "5"))
DATABASE_STATEMENT_TIMEOUT = (
    os.getenv("DATABASE_STATEMENT_TIMEOUT", "15s")
    if SERVES_WEB
    else os.getenv("DATABASE_COMMAND_STATEMENT_TIMEOUT", "0")
)
for database in DATABASES.values():
    options = database.setdefault("OPTIONS", {})
    options.setdefault("connect_timeout", DATABASE_CONNECT_TIMEOUT)
    options["options"] = " ".join(
        part
        for part in (
            options.get("options", ""),
            "-c jit=off",
            f"-c statement_timeout={DATABASE_STATEMENT_TIMEOUT}",
        )
        if part
    )
# A request's query that gets no answer at all (a server frozen under a kept
# connection, where statement_timeout cannot fire) is cut by the client after
# this many seconds (portal.deadline; 0: off): above the statement timeout,
# below gunicorn's worker timeout.
DATABASE_CLIENT_TIMEOUT = float(os.getenv("DATABASE_CLIENT_TIMEOUT", "20"))
# What a 503 for a database out of reach asks clients to wait (Retry-After).
OUTAGE_RETRY_AFTER = int(os.getenv("OUTAGE_RETRY_AFTER", "30"))
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# django-axes first: it refuses a locked-out login before any password check.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]

# Swedish first: every address without a language prefix is Swedish, whatever
# the browser asks for, so a cited address always shows the same page. The
# public pages are also in English under /en/ (portal/urls.py); the admin,
# outside that prefix, stays Swedish. The source strings are Swedish, so only
# English has a catalog (locale/en).
LANGUAGE_CODE = "sv"
LANGUAGES = [("sv", "Svenska"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Stockholm"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = Path(os.getenv("STATIC_ROOT", BASE_DIR / "staticfiles"))
STATICFILES_DIRS = [BASE_DIR / "static"]
# The feeds' stylesheet (static/feed.xsl) as the type browsers expect of XSLT.
WHITENOISE_MIMETYPES = {".xsl": "text/xsl"}
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}

# Logs go to stderr: JSON lines in production (LOG_FORMAT=json), one object a
# line with the request's id, text otherwise. portal.middleware.RequestLog
# writes a line per request with its status and timing.
LOG_FORMAT = os.getenv("LOG_FORMAT", "json" if PRODUCTION else "text")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "portal.middleware.RequestIdFilter"}},
    "formatters": {
        "json": {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "fmt": "%(asctime)s %(levelname)s %(name)s %(message)s %(request_id)s",
            "rename_fields": {"asctime": "time", "levelname": "level"},
        },
        "text": {
            "format": "%(asctime)s %(levelname)s [%(request_id)s] %(name)s: %(message)s"
        },
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": LOG_FORMAT,
            "filters": ["request_id"],
        }
    },
    "root": {"handlers": ["console"], "level": os.getenv("LOG_LEVEL", "INFO")},
    # The task queue says at INFO, at every start of every command, that it
    # registered its tasks.
    "loggers": {"procrastinate.blueprints": {"level": "WARNING"}},
}

# Uploaded protocol files (decisions.Upload) go to the default storage: this
# directory, or any Django storage backend (S3 and the like) set in STORAGES.
MEDIA_ROOT = Path(os.getenv("MEDIA_ROOT", BASE_DIR / "media"))
MEDIA_URL = "/media/"
# What one protocol may be (decisions.sandbox), for `manage.py ingest` and the
# clerk's upload alike; refused beyond, with an error naming the file, the
# line and the setting to raise. The largest file in bytes (a 500-page PDF
# with pictures is some 20 MB; its text under 2 MB), checked before the file
# is read; the longest paragraph in characters, its title and text (the
# longest in the test corpus is under 40,000); the most paragraphs (a year of
# a board's minutes numbers a few hundred).
INGEST_MAX_FILE_BYTES = int(os.getenv("INGEST_MAX_FILE_BYTES", 50 * 1024 * 1024))
INGEST_MAX_PARAGRAPH_CHARS = int(os.getenv("INGEST_MAX_PARAGRAPH_CHARS", "200000"))
INGEST_MAX_PARAGRAPHS = int(os.getenv("INGEST_MAX_PARAGRAPHS", "10000"))
# The largest protocol file the admin accepts, in bytes: INGEST_MAX_FILE_BYTES
# unless set lower.
UPLOAD_MAX_BYTES = min(
    int(os.getenv("UPLOAD_MAX_BYTES", INGEST_MAX_FILE_BYTES)), INGEST_MAX_FILE_BYTES
)
# Request bodies (portal.middleware.LimitRequestBody refuses a larger one
# unread, with 413): the upload of a protocol takes UPLOAD_MAX_BYTES and its
# form; every other address this much, more than any of its forms sends (the
# corrections of a 500-paragraph draft are about 1 MB). Uploaded files larger
# than FILE_UPLOAD_MAX_MEMORY_SIZE wait in a temporary file, not in memory.
DATA_UPLOAD_MAX_MEMORY_SIZE = int(
    os.getenv("DATA_UPLOAD_MAX_MEMORY_SIZE", 5 * 1024 * 1024 // 2)
)
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024 // 2
# The preview of a draft posts four fields a paragraph, and every button sends
# them all (templates/admin/decisions/upload/preview.html): Django's 1,000
# would refuse the corrections of a meeting of 250 paragraphs or more.
DATA_UPLOAD_MAX_NUMBER_FIELDS = 20_000
# What reading one protocol file may cost (decisions.sandbox): seconds of CPU
# and of waiting, and the address space of the child process that reads it
# (extracts its text and parses it). It stays below GUNICORN_TIMEOUT (30 s),
# so that the clerk gets a message, not a dropped connection; a 500-page PDF
# takes about a second and 200 MB.
PARSE_SECONDS = float(os.getenv("PARSE_SECONDS", "20"))
PARSE_MEMORY_MB = int(os.getenv("PARSE_MEMORY_MB", "1024"))

# -- HTTP security --------------------------------------------------------------
# Behind a proxy that ends TLS, PROXY_SSL_HEADER names its header
# ("X-Forwarded-Proto"), so that Django knows a request came over HTTPS.
if os.getenv("PROXY_SSL_HEADER"):
    header = "HTTP_" + os.environ["PROXY_SSL_HEADER"].upper().replace("-", "_")
    SECURE_PROXY_SSL_HEADER = (header, "https")
# HTTPS only: redirect plain HTTP (not the health checks a load balancer
# makes), send cookies over HTTPS only, and tell browsers so for a year (HSTS).
# On in production; off for a demo on http://localhost (docker compose).
HTTPS_ONLY = envbool("HTTPS_ONLY", str(PRODUCTION))
SECURE_SSL_REDIRECT = HTTPS_ONLY
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$"]
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = HTTPS_ONLY
SESSION_COOKIE_HTTPONLY = True
SECURE_HSTS_SECONDS = int(os.getenv("HSTS_SECONDS", 31_536_000 if HTTPS_ONLY else 0))
SECURE_HSTS_INCLUDE_SUBDOMAINS = envbool("HSTS_INCLUDE_SUBDOMAINS", "true")
# Ready for the browsers' preload list (hstspreload.org), which a public
# authority's own domain should be on; HSTS_PRELOAD=false for a shared domain.
SECURE_HSTS_PRELOAD = envbool("HSTS_PRELOAD", str(HTTPS_ONLY))
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# What the pages may load: our own scripts, styles, images and fonts, nothing
# inline (the JSON-LD block is data, which CSP does not run). django-csp.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}
# Browser features no page uses, turned off (portal.middleware).
PERMISSIONS_POLICY = (
    "camera=(), microphone=(), geolocation=(), payment=(), usb=(), "
    "interest-cohort=(), browsing-topics=()"
)

# The archive's public address: the ids of records made outside a request
# (the archive download) start with it.
SITE_URL = os.getenv("SITE_URL", "http://127.0.0.1:8000").rstrip("/")
# Where `manage.py dump_archive` writes the download that /oppna-data/ serves.
OPEN_DATA_DIR = Path(os.getenv("OPEN_DATA_DIR", BASE_DIR / "media" / "open-data"))
# The task queue (procrastinate): its jobs live in this database. The worker
# (`manage.py procrastinate worker`, started by `make run` and compose) keeps
# a failed job for the admin and forgets one that succeeded, so a busy day of
# publishing leaves no rows behind.
PROCRASTINATE_WORKER_DEFAULTS = {"delete_jobs": "successful"}

# The JSON API (decisions/api.py): read-only for anyone, no sessions.
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.AllowAny"],
    "UNAUTHENTICATED_USER": None,
    "DEFAULT_RENDERER_CLASSES": [
        "rest_framework.renderers.JSONRenderer",
        "rest_framework.renderers.BrowsableAPIRenderer",
    ],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    # Every refusal as an RFC 9457 problem in Swedish (decisions/problems.py),
    # and an unknown format= as a 406 naming it (DRF's own: a bare 404).
    "EXCEPTION_HANDLER": "decisions.problems.exception_handler",
    "DEFAULT_CONTENT_NEGOTIATION_CLASS": "decisions.problems.FormatNegotiation",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Öppna beslut API",
    "DESCRIPTION": (
        "Kommunala protokoll och beslut som öppna data. Varje objekts id är dess "
        "sidas fasta adress. Listor bläddras med cursor, nyast först."
    ),
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    # Swagger UI from our own static files (drf-spectacular-sidecar): no CDN.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # Each operation lists its problems (decisions/problem_schema.py), and a
    # nullable nested object is one strict validators accept.
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "decisions.problem_schema.describe_problems",
        "decisions.problem_schema.nullable_references",
    ],
}

# -- Staff logins (the admin) ----------------------------------------------------
# Lockout (django-axes, attempts kept in PostgreSQL): LOGIN_FAILURE_LIMIT
# failed logins lock a username, whatever addresses they came from (guessing
# one account from many machines), and as many from one address lock that
# address, whatever usernames they tried (one machine trying many accounts).
# Counted separately, not per pair: per pair, an attacker would get the limit
# again with each new address or username. A lock lasts LOGIN_COOLOFF_MINUTES
# after the last failure, and each try while locked starts it again.
# `manage.py axes_reset` lifts every lock (axes_reset_username,
# axes_reset_ip: one). The limit is shared by an office behind one address,
# so it is not set lower than a few colleagues' typos.
AXES_FAILURE_LIMIT = int(os.getenv("LOGIN_FAILURE_LIMIT", "10"))
AXES_COOLOFF_TIME = timedelta(minutes=int(os.getenv("LOGIN_COOLOFF_MINUTES", "15")))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
# A success clears nothing: it would clear the failures of its address too,
# so an attacker with one account of their own could reset the count at will.
AXES_RESET_ON_SUCCESS = False
# The address as the rate limits take it (CLIENT_IP_HEADER, its last one).
AXES_CLIENT_IP_CALLABLE = "accounts.lockout.client_address"
AXES_LOCKOUT_CALLABLE = "accounts.lockout.locked_out"
# Masked in axes' log lines and in the form data it keeps with an attempt.
AXES_SENSITIVE_PARAMETERS = ["username", "ip_address", "otp_token"]
# Two factors (django-otp, TOTP): a staff user gets into the admin only with
# a code from an authenticator app as well as the password. On in production;
# `manage.py totp_device USERNAME` enrols a user.
REQUIRE_TWO_FACTOR = envbool("REQUIRE_TWO_FACTOR", str(PRODUCTION))
OTP_TOTP_ISSUER = "Öppna beslut"
# A device's secret is shown once, when it is made, never on its admin page.
OTP_ADMIN_HIDE_SENSITIVE_DATA = True

# Hits per client address on search (with its CSV and feed) and on the API
# (portal/ratelimit.py): N/s, N/m or N/h; empty or 0 turns a limit off.
RATELIMIT_SEARCH = os.getenv("RATELIMIT_SEARCH", "120/m")
RATELIMIT_API = os.getenv("RATELIMIT_API", "600/m")
# Behind a proxy: the header it puts the client's address in (the last one
# listed counts), e.g. X-Forwarded-For; unset, the connection's address.
CLIENT_IP_HEADER = os.getenv("CLIENT_IP_HEADER", "")

# "pages": rendered public responses (decisions.caching), shared by the
# machine's workers as files in memory (/dev/shm), one folder per database:
# one worker's render serves them all. Their keys hold the archive's
# validators, so no copy outlives a change.
_SHM = Path("/dev/shm") if Path("/dev/shm").is_dir() else Path(tempfile.gettempdir())
_DATABASE = DATABASES["default"]
PAGE_CACHE_DIR = os.getenv("PAGE_CACHE_DIR") or str(
    _SHM
    / "oppna-beslut-pages-{}".format(
        hashlib.sha256(
            f"{_DATABASE['HOST']}:{_DATABASE['PORT']}/{_DATABASE['NAME']}".encode()
        ).hexdigest()[:10]
    )
)
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    "pages": {
        "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
        "LOCATION": PAGE_CACHE_DIR,
        "TIMEOUT": 3600,
        "OPTIONS": {"MAX_ENTRIES": int(os.getenv("PAGE_CACHE_ENTRIES", "5000"))},
    }
    # PAGE_CACHE=off renders every response (bench/load.sh measures both).
    if envbool("PAGE_CACHE", "on")
    else {"BACKEND": "django.core.cache.backends.dummy.DummyCache"},
}

# How long a shared cache (proxy, CDN) may serve a public response without
# asking again: the longest a published change takes to reach its readers.
CACHE_SHARED_MAX_AGE = int(os.getenv("CACHE_SHARED_MAX_AGE", "60"))

# Paragraphs per page on lists and search results.
PAGE_SIZE = int(os.getenv("PAGE_SIZE", "20"))
# Paragraphs on one page of a meeting's page (the rest on ?sida=2 and on).
MEETING_PAGE_SIZE = int(os.getenv("MEETING_PAGE_SIZE", "200"))

# CORS: a newsroom's page may GET the API and the feeds from the browser.
# Anything, from anywhere, without credentials (no cookie is sent or read);
# pages, the admin and the download answer no CORS at all.
CORS_ALLOW_ALL_ORIGINS = True
CORS_ALLOW_CREDENTIALS = False
CORS_ALLOW_METHODS = ("GET", "HEAD", "OPTIONS")
CORS_URLS_REGEX = (
    r"^/api/v1/"
    r"|^/(?:en/)?(?:[^?#]+/)?feed/$"
    r"|^/(?:en/)?[^/]+/arende-feed/"
)
