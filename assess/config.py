"""Defaults only. Nothing here reads the environment or the disk: ``create_app`` layers
``instance/config.py``, ``ASSESS_*`` environment variables and a test mapping on top."""

SECRET_KEY = None  # create_app generates one into instance/secret_key when unset
SQLALCHEMY_DATABASE_URI = None  # default: sqlite:///<instance>/assess.sqlite3
SQLALCHEMY_TRACK_MODIFICATIONS = False
SQLALCHEMY_ENGINE_OPTIONS: dict = {}
WTF_CSRF_TIME_LIMIT = None  # a token lives as long as the session: exams last hours
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
REMEMBER_COOKIE_HTTPONLY = True
REMEMBER_COOKIE_SAMESITE = "Lax"
REMEMBER_COOKIE_DURATION = 14 * 24 * 3600  # seconds "keep me signed in" lasts
# Both cookies are Secure (sent over https only) when PUBLIC_URL is https, unless set here.
SESSION_COOKIE_SECURE = None
REMEMBER_COOKIE_SECURE = None
# A signed-in session ends after this long without a request (the exam page's autosaves
# count), and this long after signing in whatever happens; 0 turns a limit off.
SESSION_IDLE_MINUTES = 120
SESSION_MAX_HOURS = 24
QUESTION_BANKS_DIR = None  # default: <project>/question_banks
MAX_CONTENT_LENGTH = 1 * 1024 * 1024
SQLITE_BUSY_TIMEOUT_MS = 5000
# PostgreSQL: psycopg prepares a statement on the server after its fifth run on a connection.
# Set False (ASSESS_DATABASE_PREPARED_STATEMENTS=false) behind PgBouncer < 1.21 in
# transaction mode, where a prepared statement does not follow the client to the next server
# connection (README, Deployment).
DATABASE_PREPARED_STATEMENTS = True
# PostgreSQL: a pooled connection idle for longer than this is tested (a round trip) before
# use; one used more recently is not (assess/pool_checks.py). 0 tests every checkout.
DATABASE_PING_AFTER_IDLE_SECONDS = 0.5
PASSWORD_MIN_LENGTH = 12  # ASVS 2.1.1; common and easily guessed passwords are refused too
GRADING_LEASE_MINUTES = 10  # a claimed task returns to the queue when its lease runs out
GRADING_DOUBLE_SHARE = 0.2  # share of tasks graded independently by two graders
GRADING_ADJUDICATION_THRESHOLD = 0.25  # two marks further apart (share of max) go to a lead
GRADING_CALIBRATION_RATE = 0.1  # share of claims that serve a reference answer, unmarked
# Grader drift is flagged only on this many compared marks (tasks), and only when the whole
# interval at this confidence lies past the limit (see assess/core/calibration.py).
GRADING_DRIFT_MIN_MARKS = 30
GRADING_DRIFT_CONFIDENCE = 0.95
# Certificates. PUBLIC_URL is the address the world reaches this server at: credential, issuer
# and achievement ids are built on it, so set it once before issuing (instance/config.py or
# ASSESS_PUBLIC_URL). When it is not set, it is http://HOST:PORT, the address the development
# server listens on: `make run HOST=… PORT=…` passes both (as ASSESS_HOST and ASSESS_PORT), so
# the local tour's certificate links work on any port. An explicit PUBLIC_URL always wins.
PUBLIC_URL = None
HOST = "127.0.0.1"
PORT = 5000
ISSUER_NAME = "assess"
SIGNING_KEYS_DIR = None  # default: <instance>/keys (created by `flask --app assess keys generate`)
JSONLD_CONTEXTS = None  # default: <project>/contexts/build/contexts.json (`make contexts`)
# Issuer ids (besides this server's own) whose credentials /verify and /api/verify call
# verified; any other issuer, however intact its signature, is unknown_issuer.
TRUSTED_ISSUERS: list[str] = []
GUESS_SAMPLES = 200_000  # Monte Carlo samples for a blueprint's random-guess odds
# Compressed answers (Flask-Compress, assess/web/static_files.py): brotli or gzip, for these
# types only (the streamed CSV and JSON Lines exports are left alone), from 500 bytes up.
# Static files are sent as streams, which the library compresses with brotli only.
COMPRESS_ALGORITHM = ["br", "gzip"]
COMPRESS_ALGORITHM_STREAMING = ["br"]
COMPRESS_MIMETYPES = ["text/html", "text/css", "text/javascript", "application/javascript",
                      "application/json", "application/ld+json", "image/svg+xml"]
COMPRESS_MIN_SIZE = 500
# Compute those odds when banks are imported (the admin page then reads them); when off, the
# page computes them on its first view after an import. The tests turn it off (it adds
# ~0.2 s to each import of the fixture banks).
VALIDITY_AT_IMPORT = True
# Background jobs (assess/jobs, run by `flask --app assess jobs worker`). They wait in
# JOBS_DATABASE, a SQLite file (no server to run), unless REDIS_URL (ASSESS_REDIS_URL) names a
# Redis server, which the workers of several machines can share. JOBS_IMMEDIATE runs each job
# at once in the process that enqueues it (no worker, no periodic sweep): the tests do.
REDIS_URL = None
JOBS_DATABASE = None  # default: <instance>/jobs.sqlite3
JOBS_IMMEDIATE = False
JOBS_WORKERS = 2  # threads of one worker process (`jobs worker --workers N`)
# A worker that has not said it is alive for this long is taken for dead, and the jobs it was
# running are queued again (assess/jobs/redelivery.py).
JOBS_LEASE_SECONDS = 60
# The platforms' API (/api/v1): requests per API key (by its public prefix; by address for a
# request without a well-formed key), counted in RATELIMIT_STORAGE_URI: "memory://" counts
# in each process, "redis://host:6379" across every process and machine. The environment's
# RATELIMIT_STORAGE_URI (or ASSESS_RATELIMIT_STORAGE_URI) sets it too.
API_RATE_LIMIT = "600 per minute"
# Webhooks are never sent to private, loopback, link-local or other non-public addresses
# unless the host, address or network (CIDR) is listed here (a list, or one string separated
# by spaces or commas), e.g. ["hooks.internal.example", "10.20.0.0/16"].
WEBHOOK_ALLOWED_HOSTS: list[str] = []
WEBHOOK_TIMEOUT_SECONDS = 10
RATELIMIT_STORAGE_URI = None  # default: memory://
# Sign-in and registration (POST) per client address and per account (the email given),
# and verification (/verify, /api/verify) per address; past a limit the answer is 429 with
# Retry-After. Limits in Flask-Limiter's notation, counted in RATELIMIT_STORAGE_URI.
AUTH_RATE_LIMIT = "30 per minute; 300 per hour"
AUTH_ACCOUNT_RATE_LIMIT = "10 per minute; 100 per hour"
VERIFY_RATE_LIMIT = "60 per minute; 1000 per hour"
# After AUTH_LOCKOUT_FAILURES failed sign-ins on one account within the window, that account
# is refused for AUTH_LOCKOUT_SECONDS, doubling with each further failure, at most
# AUTH_LOCKOUT_MAX_SECONDS (a success forgets the failures).
AUTH_LOCKOUT_FAILURES = 5
AUTH_LOCKOUT_WINDOW_SECONDS = 15 * 60
AUTH_LOCKOUT_SECONDS = 60
AUTH_LOCKOUT_MAX_SECONDS = 60 * 60
# How many reverse proxies in front of the app to believe about the client's address and
# scheme (X-Forwarded-For / X-Forwarded-Proto); 0 trusts none (the development server).
TRUSTED_PROXIES = 0
# Roles whose accounts must sign in with two factors (a list, or one string separated by
# commas, e.g. "admin,lead"): a signed-in user of such a role without it is sent to set it up
# (/account/two-factor) before any other page. Empty: two-factor sign-in is optional for all.
REQUIRE_2FA_FOR: list[str] = []
# Outgoing mail (password resets, address confirmations, notices). With MAIL_SERVER set, mail
# goes over SMTP: MAIL_SECURITY "starttls" (port 587), "ssl" (implicit TLS, port 465) or
# "none" (a local relay only); MAIL_USERNAME/MAIL_PASSWORD log in when set. Without it, each
# message is written as a .eml file into MAIL_FOLDER (default: <instance>/mail), which is
# what `make run` does. Messages wait in the database and are retried with backoff.
MAIL_SERVER = None
MAIL_PORT = 587
MAIL_SECURITY = "starttls"
MAIL_USERNAME = None
MAIL_PASSWORD = None
MAIL_FROM = "assess <no-reply@localhost>"
MAIL_TIMEOUT_SECONDS = 10
MAIL_FOLDER = None
# A password reset link works once and for this long; links confirming an address (at
# registration, or a change on /account) for EMAIL_CONFIRMATION_HOURS. With
# REQUIRE_EMAIL_CONFIRMATION on, a new account signs in only once its address is confirmed.
PASSWORD_RESET_MINUTES = 30
EMAIL_CONFIRMATION_HOURS = 48
REQUIRE_EMAIL_CONFIRMATION = False
# Requests for a reset or confirmation link (POST) per address asked about, in Flask-Limiter's
# notation (per client address they count under AUTH_RATE_LIMIT).
RESET_RATE_LIMIT = "5 per 15 minutes; 20 per day"
