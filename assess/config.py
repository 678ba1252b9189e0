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
QUESTION_BANKS_DIR = None  # default: <project>/question_banks
MAX_CONTENT_LENGTH = 1 * 1024 * 1024
SQLITE_BUSY_TIMEOUT_MS = 5000
PASSWORD_MIN_LENGTH = 10
GRADING_LEASE_MINUTES = 10  # a claimed task returns to the queue when its lease runs out
GRADING_DOUBLE_SHARE = 0.2  # share of tasks graded independently by two graders
GRADING_ADJUDICATION_THRESHOLD = 0.25  # two marks further apart (share of max) go to a lead
GRADING_CALIBRATION_RATE = 0.1  # share of claims that serve a reference answer, unmarked
