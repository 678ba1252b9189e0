"""What the use cases need from the configuration, typed and read once.

``init_app`` builds a frozen ``Settings`` from the final ``app.config`` (after every config
layer and the defaults ``create_app`` fills in); services call ``settings()`` and never look
at Flask's config, app or logger themselves. This is the one place outside the web layer
that reaches for ``current_app``.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Mapping

from flask import Flask, current_app, has_app_context

EXTENSION = "assess.settings"


@dataclass(frozen=True)
class Settings:
    instance_path: Path
    question_bank_dirs: tuple[Path, ...]  # the first is where imported banks are written
    public_url: str  # no trailing slash
    issuer_name: str
    signing_keys_dir: Path
    jsonld_contexts: Path
    trusted_issuers: tuple[str, ...]  # issuer ids verification relies on besides this server
    grading_lease_minutes: float
    grading_double_share: float
    grading_adjudication_threshold: float
    grading_calibration_rate: float
    drift_min_marks: int
    drift_confidence: float
    password_min_length: int
    guess_samples: int
    validity_at_import: bool
    redis_url: str | None  # jobs wait in Redis when set, else in jobs_database (SQLite)
    jobs_database: Path
    jobs_immediate: bool
    jobs_workers: int
    jobs_lease_seconds: float
    webhook_allowed_hosts: tuple[str, ...] = ()  # hosts, addresses or networks (CIDR)
    webhook_timeout_seconds: float = 10.0
    require_2fa_for: tuple[str, ...] = ()  # roles that must use two-factor sign-in
    mail_server: str | None = None  # SMTP when set, else .eml files in mail_folder
    mail_port: int = 587
    mail_security: str = "starttls"  # starttls | ssl | none
    mail_username: str | None = None
    mail_password: str | None = field(default=None, repr=False)
    mail_from: str = "assess <no-reply@localhost>"
    mail_timeout_seconds: float = 10.0
    mail_folder: Path = Path("instance/mail")
    password_reset_minutes: float = 30.0
    email_confirmation_hours: float = 48.0
    require_email_confirmation: bool = False
    secret_key: str = field(default="", repr=False)  # signs the links mails carry

    @classmethod
    def from_config(cls, config: Mapping[str, Any], instance_path: str | Path) -> Settings:
        return cls(
            instance_path=Path(instance_path),
            question_bank_dirs=tuple(Path(folder) for folder in config["QUESTION_BANKS_DIRS"]),
            public_url=str(config["PUBLIC_URL"]),
            issuer_name=str(config["ISSUER_NAME"]),
            signing_keys_dir=Path(config["SIGNING_KEYS_DIR"]),
            jsonld_contexts=Path(config["JSONLD_CONTEXTS"]),
            trusted_issuers=issuer_ids(config.get("TRUSTED_ISSUERS")),
            grading_lease_minutes=float(config["GRADING_LEASE_MINUTES"]),
            grading_double_share=float(config["GRADING_DOUBLE_SHARE"]),
            grading_adjudication_threshold=float(config["GRADING_ADJUDICATION_THRESHOLD"]),
            grading_calibration_rate=float(config["GRADING_CALIBRATION_RATE"]),
            drift_min_marks=int(config["GRADING_DRIFT_MIN_MARKS"]),
            drift_confidence=float(config["GRADING_DRIFT_CONFIDENCE"]),
            password_min_length=int(config["PASSWORD_MIN_LENGTH"]),
            guess_samples=int(config["GUESS_SAMPLES"]),
            validity_at_import=truthy(config.get("VALIDITY_AT_IMPORT", True)),
            redis_url=config.get("REDIS_URL") or None,
            jobs_database=Path(config.get("JOBS_DATABASE") or
                               Path(instance_path) / "jobs.sqlite3"),
            jobs_immediate=bool(config.get("JOBS_IMMEDIATE")),
            jobs_workers=int(config["JOBS_WORKERS"]),
            jobs_lease_seconds=float(config["JOBS_LEASE_SECONDS"]),
            webhook_allowed_hosts=issuer_ids(config.get("WEBHOOK_ALLOWED_HOSTS")),
            webhook_timeout_seconds=float(config.get("WEBHOOK_TIMEOUT_SECONDS") or 10),
            require_2fa_for=tuple(role.lower() for role in
                                  issuer_ids(config.get("REQUIRE_2FA_FOR"))),
            **mail_settings(config, instance_path),
        )


def mail_settings(config: Mapping[str, Any], instance_path: str | Path) -> dict[str, Any]:
    security = str(config.get("MAIL_SECURITY") or "starttls").lower()
    if security not in ("starttls", "ssl", "none"):
        raise ValueError(f"MAIL_SECURITY is starttls, ssl or none, not {security!r}")
    return dict(
        mail_server=config.get("MAIL_SERVER") or None,
        mail_port=int(config.get("MAIL_PORT") or 587),
        mail_security=security,
        mail_username=config.get("MAIL_USERNAME") or None,
        mail_password=config.get("MAIL_PASSWORD") or None,
        mail_from=str(config.get("MAIL_FROM") or "assess <no-reply@localhost>"),
        mail_timeout_seconds=float(config.get("MAIL_TIMEOUT_SECONDS") or 10),
        mail_folder=Path(config.get("MAIL_FOLDER") or Path(instance_path) / "mail"),
        password_reset_minutes=float(config.get("PASSWORD_RESET_MINUTES") or 30),
        email_confirmation_hours=float(config.get("EMAIL_CONFIRMATION_HOURS") or 48),
        require_email_confirmation=truthy(config.get("REQUIRE_EMAIL_CONFIRMATION")),
        secret_key=str(config.get("SECRET_KEY") or ""),
    )


def truthy(value: Any) -> bool:
    """A flag from instance/config.py (a bool) or the environment (a string)."""
    if isinstance(value, str):
        return value.strip().lower() in ("1", "true", "yes", "on")
    return bool(value)


def issuer_ids(value: Any) -> tuple[str, ...]:
    """``TRUSTED_ISSUERS`` (and ``WEBHOOK_ALLOWED_HOSTS``): a list (instance/config.py, or
    JSON in ASSESS_TRUSTED_ISSUERS), or one string of ids separated by spaces or commas."""
    if value is None:
        return ()
    parts = value.replace(",", " ").split() if isinstance(value, str) else value
    return tuple(dict.fromkeys(str(part).strip() for part in parts
                               if str(part).strip()))


def init_app(app: Flask) -> None:
    """Build the settings from the app's final config (call again after changing it)."""
    app.extensions[EXTENSION] = Settings.from_config(app.config, app.instance_path)


def reconfigure(app: Flask, **values: Any) -> None:
    """Change config after start-up (tests do) and rebuild the settings from it: writing
    ``app.config`` alone would not reach the services, which read the settings."""
    app.config.update(values)
    init_app(app)


def available() -> bool:
    """Whether code runs inside an app (a job or request) and so has settings."""
    return has_app_context() and EXTENSION in current_app.extensions


def settings() -> Settings:
    """The running app's settings."""
    try:
        return current_app.extensions[EXTENSION]
    except KeyError:
        raise RuntimeError("assess.settings.init_app(app) was not called for this app") from None
