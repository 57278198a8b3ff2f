"""Settings: a typed schema loaded from settings.toml (+ settings.local.toml), checked at start.

Where: `EARFUL_SETTINGS` (a path) or ./settings.toml. An optional settings.local.toml beside it
overrides keys; arrays such as [[sources]] are replaced, not merged. Secrets never live in these
files: settings name the environment variables that hold them.

The schema below is the single list of what the code reads; tests/unit/test_settings_documented.py
fails when a field here is missing from settings.toml.
"""

from __future__ import annotations

import dataclasses
import os
import string
import tomllib
import types
import typing
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

PLATFORMS = ("x", "reddit", "mastodon", "bluesky")
# Credentials a platform cannot work without (any one of each group), and whether it needs a
# base_url (Mastodon has no single public service).
REQUIRED_CREDENTIALS: dict[str, tuple[tuple[str, ...], ...]] = {
    "x": (("bearer_token", "access_token"),),
    "reddit": (("client_id",), ("client_secret",)),
    "mastodon": (("access_token",),),
    "bluesky": (("app_password",),),
}
NEEDS_BASE_URL = ("mastodon",)
URGENCIES = ("critical", "high", "normal", "low")
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


class SettingsError(ValueError):
    """An invalid or missing setting; the message names the key or variable."""


@dataclass
class AppSettings:
    instance_path: str = "instance"
    public_url: str = "http://127.0.0.1:5000"
    secret_key_env: str = "EARFUL_SECRET_KEY"
    log_level: str = "INFO"


@dataclass
class ServerSettings:
    host: str = "127.0.0.1"
    port: int = 5000
    scheduler: bool = True
    workers: int = 4
    threads: int = 4
    keepalive_seconds: int = 15
    timeout_seconds: int = 60
    static_max_age_seconds: int = 3600


@dataclass
class WorkerSettings:
    """The scheduler's leadership (earful/leadership.py): one active `earful worker`."""

    takeover_delay_seconds: int = 30


@dataclass
class DatabaseSettings:
    url: str = ""
    url_env: str = "EARFUL_DATABASE_URL"
    sqlite_busy_timeout_ms: int = 5000
    echo: bool = False


@dataclass
class BrandSettings:
    name: str = "Lumen Mobile"
    contact_url: str = "https://example.com/contact"
    status_page_title: str = "Service status"


@dataclass
class AccountSettings:
    platform: str = ""
    handle: str = ""
    base_url: str = ""
    credentials: dict[str, str] = field(default_factory=dict)


@dataclass
class SourceSettings:
    name: str = ""
    platform: str = ""
    account: str = ""
    interval_seconds: int = 120
    base_url: str = ""
    queries: list[str] = field(default_factory=list)
    subreddits: list[str] = field(default_factory=list)
    own_subreddits: list[str] = field(default_factory=list)
    hashtags: list[str] = field(default_factory=list)
    mentions: bool = True
    credentials: dict[str, str] = field(default_factory=dict)
    daily_request_budget: int = 0
    monthly_request_budget: int = 0
    acknowledge_out_of_hours: bool = False


@dataclass
class DemoSettings:
    enabled: str = "auto"
    speed: float = 1.0
    backfill_days: int = 14
    interval_seconds: int = 2


@dataclass
class ClassifierSettings:
    languages: list[str] = field(default_factory=lambda: [
        "en", "es", "fr", "de", "it", "pt", "ro", "el", "ru", "ar", "hi"])
    mode: str = "fast"
    model_dir: str = ""
    batch_size: int = 256
    high_reach_followers: int = 10000


@dataclass
class CalendarSettings:
    timezone: str = "UTC"
    hours: dict[str, str] = field(default_factory=lambda: {
        "mon": "09:00-17:00", "tue": "09:00-17:00", "wed": "09:00-17:00",
        "thu": "09:00-17:00", "fri": "09:00-17:00"})
    holidays: list[str] = field(default_factory=list)
    holidays_ical: str = ""


@dataclass
class SlaSettings:
    first_response_minutes: dict[str, int] = field(default_factory=lambda: {
        "critical": 30, "high": 60, "normal": 240, "low": 1440})
    resolution_minutes: dict[str, int] = field(default_factory=lambda: {
        "critical": 240, "high": 480, "normal": 1440, "low": 4320})


@dataclass
class ListenerSettings:
    max_backoff_seconds: int = 900
    misfire_grace_seconds: int = 60
    max_text_chars: int = 10000
    first_poll_hours: int = 24
    raw_retention_days: int = 90


@dataclass
class SmtpSettings:
    host: str = ""
    port: int = 25
    starttls: bool = False
    ssl: bool = False
    username_env: str = ""
    password_env: str = ""
    sender: str = "earful@localhost"
    timeout_seconds: int = 30
    retry_base_seconds: int = 60
    retry_max_seconds: int = 3600


@dataclass
class AlertDefaults:
    recipients: list[str] = field(default_factory=list)
    window_minutes: int = 15
    baseline_days: int = 14
    min_count: int = 10
    factor: float = 3.0
    cooldown_minutes: int = 60
    evaluation_interval_seconds: int = 300
    bucket_minutes: int = 5
    critical_recipients: list[str] = field(default_factory=list)
    critical_batch_seconds: int = 60
    digest: bool = False
    digest_hour: int = 8


@dataclass
class ConsoleSettings:
    auto_assign: bool = False
    reply_limits: dict[str, int] = field(default_factory=lambda: {
        "x": 280, "bluesky": 300, "mastodon": 500, "reddit": 10000, "demo": 500})
    page_size: int = 50
    presence_seconds: int = 30
    signin_failures_per_address: int = 30
    signin_address_window_seconds: int = 900


@dataclass
class ResponderSettings:
    dispatch_interval_seconds: int = 10
    batch_size: int = 20
    max_attempts: int = 6
    retry_base_seconds: int = 30
    retry_max_seconds: int = 3600
    claim_lease_seconds: int = 300


@dataclass
class CsatSettings:
    """One follow-up reply after a conversation is resolved, linking to a one-question rating."""

    enabled: bool = False
    # Per language; {csat_url} is the rating page, the reply placeholders ({first_name}...) work.
    message: dict[str, str] = field(default_factory=lambda: {
        "en": "Thanks for talking to us, {first_name}. How did we do? {csat_url}",
        "ro": "Mulțumim că ne-ai scris, {first_name}. Cum ne-am descurcat? {csat_url}",
        "el": "Ευχαριστούμε που μας μιλήσατε, {first_name}. Πώς τα πήγαμε; {csat_url}",
        "ru": "Спасибо, что обратились к нам, {first_name}. Как мы справились? {csat_url}",
        "es": "Gracias por escribirnos, {first_name}. ¿Qué tal lo hicimos? {csat_url}",
        "fr": "Merci de nous avoir écrit, {first_name}. Comment avons-nous fait ? {csat_url}",
        "de": "Danke, dass Sie uns geschrieben haben, {first_name}. Wie waren wir? {csat_url}",
    })
    expiry_days: int = 14


ACKNOWLEDGEMENT_PLACEHOLDERS = ("first_name", "handle", "brand", "opens_at")


@dataclass
class AcknowledgementSettings:
    """The automatic out-of-hours reply (sent only for sources with acknowledge_out_of_hours)."""

    message: dict[str, str] = field(default_factory=lambda: {
        "en": "Hi {first_name}, thanks for getting in touch. Our team is away right now and "
              "will reply from {opens_at}.",
        "ro": "Bună, {first_name}, mulțumim că ne-ai scris. Echipa noastră nu este disponibilă "
              "acum și îți va răspunde începând cu {opens_at}.",
        "el": "Γεια σας {first_name}, ευχαριστούμε που επικοινωνήσατε μαζί μας. Η ομάδα μας "
              "δεν είναι διαθέσιμη αυτή τη στιγμή και θα σας απαντήσει από {opens_at}.",
        "ru": "Здравствуйте, {first_name}! Спасибо, что написали нам. Сейчас наша команда не на "
              "связи и ответит вам с {opens_at}.",
        "es": "Hola, {first_name}, gracias por escribirnos. Nuestro equipo no está disponible "
              "en este momento y te responderá a partir de {opens_at}.",
        "fr": "Bonjour {first_name}, merci de nous avoir écrit. Notre équipe est absente pour "
              "le moment et vous répondra à partir de {opens_at}.",
        "de": "Hallo {first_name}, danke für deine Nachricht. Unser Team ist gerade nicht "
              "erreichbar und antwortet dir ab {opens_at}."})
    max_age_minutes: int = 60


@dataclass
class IncidentSettings:
    components: list[str] = field(default_factory=lambda: [
        "Mobile data", "Calls and SMS", "Billing", "App and website"])
    default_language: str = "en"
    languages: list[str] = field(default_factory=lambda: [
        "en", "ro", "el", "ru", "es", "fr", "de"])
    auto_link: bool = True
    followup_per_minute: dict[str, int] = field(default_factory=lambda: {
        "x": 5, "reddit": 2, "mastodon": 1, "bluesky": 10, "demo": 60})


@dataclass
class Settings:
    app: AppSettings = field(default_factory=AppSettings)
    server: ServerSettings = field(default_factory=ServerSettings)
    worker: WorkerSettings = field(default_factory=WorkerSettings)
    database: DatabaseSettings = field(default_factory=DatabaseSettings)
    brand: BrandSettings = field(default_factory=BrandSettings)
    accounts: list[AccountSettings] = field(default_factory=list)
    sources: list[SourceSettings] = field(default_factory=list)
    demo: DemoSettings = field(default_factory=DemoSettings)
    classifier: ClassifierSettings = field(default_factory=ClassifierSettings)
    calendar: CalendarSettings = field(default_factory=CalendarSettings)
    sla: SlaSettings = field(default_factory=SlaSettings)
    listener: ListenerSettings = field(default_factory=ListenerSettings)
    smtp: SmtpSettings = field(default_factory=SmtpSettings)
    alerts: AlertDefaults = field(default_factory=AlertDefaults)
    console: ConsoleSettings = field(default_factory=ConsoleSettings)
    responder: ResponderSettings = field(default_factory=ResponderSettings)
    incidents: IncidentSettings = field(default_factory=IncidentSettings)
    csat: CsatSettings = field(default_factory=CsatSettings)
    acknowledgements: AcknowledgementSettings = field(default_factory=AcknowledgementSettings)
    # Where the settings came from: relative paths (instance_path) resolve against it.
    base_dir: Path = field(default_factory=Path.cwd, metadata={"internal": True})

    @property
    def instance_dir(self) -> Path:
        path = Path(self.app.instance_path)
        return path if path.is_absolute() else self.base_dir / path

    @property
    def database_url(self) -> str:
        """The SQLAlchemy URL: the env variable wins, then [database].url, then instance SQLite."""
        from_env = os.environ.get(self.database.url_env, "") if self.database.url_env else ""
        if from_env:
            return from_env
        if self.database.url:
            return self.database.url
        return f"sqlite:///{self.instance_dir / 'earful.db'}"

    @property
    def demo_active(self) -> bool:
        """The demo source runs when asked to, or by default when no sources are configured."""
        if self.demo.enabled == "auto":
            return not self.sources
        return self.demo.enabled == "on"


# ---------------------------------------------------------------------------------------------
# Loading


def settings_path() -> Path:
    """The settings file: $EARFUL_SETTINGS, else ./settings.toml."""
    return Path(os.environ.get("EARFUL_SETTINGS") or "settings.toml").resolve()


def load_settings(path: Path | None = None, overrides: dict[str, Any] | None = None) -> Settings:
    """Load, merge and validate settings; raise SettingsError naming the bad key."""
    path = path or settings_path()
    raw: dict[str, Any] = {}
    if path.exists():
        raw = _read_toml(path)
        local = path.with_name("settings.local.toml")
        if local.exists():
            raw = merge(raw, _read_toml(local))
    elif "EARFUL_SETTINGS" in os.environ:
        raise SettingsError(f"EARFUL_SETTINGS points to {path}, which does not exist")
    if overrides:
        raw = merge(raw, overrides)
    settings = build(Settings, raw, "")
    settings.base_dir = path.parent
    validate(settings)
    return settings


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as handle:
            return tomllib.load(handle)
    except tomllib.TOMLDecodeError as exc:
        raise SettingsError(f"{path}: not valid TOML: {exc}") from exc


def merge(base: dict[str, Any], override: dict[str, Any]) -> dict[str, Any]:
    """Tables merge key by key; anything else (arrays included) is replaced."""
    merged = dict(base)
    for key, value in override.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = merge(merged[key], value)
        else:
            merged[key] = value
    return merged


def build(cls: type, raw: Any, where: str) -> Any:
    """Turn a TOML table into the dataclass `cls`, type-checking every key."""
    if not isinstance(raw, dict):
        raise SettingsError(f"settings: [{where}] must be a table")
    hints = typing.get_type_hints(cls)
    known = {f.name: f for f in dataclasses.fields(cls) if not f.metadata.get("internal")}
    for key in raw:
        if key not in known:
            raise SettingsError(f"settings: unknown key {_join(where, key)}")
    values = {key: _convert(hints[key], value, _join(where, key)) for key, value in raw.items()}
    return cls(**values)


def _convert(hint: Any, value: Any, where: str) -> Any:
    origin = typing.get_origin(hint)
    if dataclasses.is_dataclass(hint):
        return build(hint, value, where)
    if origin is list:
        (item,) = typing.get_args(hint)
        if not isinstance(value, list):
            raise SettingsError(f"settings: {where} must be an array")
        return [_convert(item, v, f"{where}[{i}]") for i, v in enumerate(value)]
    if origin is dict:
        _, item = typing.get_args(hint)
        if not isinstance(value, dict):
            raise SettingsError(f"settings: {where} must be a table")
        return {str(k): _convert(item, v, _join(where, k)) for k, v in value.items()}
    if origin in (typing.Union, types.UnionType):
        return value
    if hint is float and isinstance(value, int) and not isinstance(value, bool):
        return float(value)
    if hint is int and isinstance(value, bool) or not isinstance(value, hint):
        raise SettingsError(
            f"settings: {where} must be {hint.__name__}, got {type(value).__name__} {value!r}")
    return value


def _join(where: str, key: str) -> str:
    return f"{where}.{key}" if where else key


# ---------------------------------------------------------------------------------------------
# Validation beyond types


def validate(settings: Settings) -> None:
    """Check values that types alone cannot; raise SettingsError naming the key."""
    _check(settings.server.port in range(1, 65536), "server.port must be 1-65535")
    for name in ("workers", "threads", "keepalive_seconds", "timeout_seconds"):
        _check(getattr(settings.server, name) > 0, f"server.{name} must be positive")
    _check(settings.worker.takeover_delay_seconds > 0,
           "worker.takeover_delay_seconds must be positive")
    _check(settings.server.static_max_age_seconds >= 0,
           "server.static_max_age_seconds must not be negative")
    _check(settings.demo.enabled in ("auto", "on", "off"), "demo.enabled must be auto, on or off")
    _check(settings.demo.speed > 0, "demo.speed must be positive")
    _check(settings.listener.first_poll_hours > 0, "listener.first_poll_hours must be positive")
    _check(settings.listener.raw_retention_days >= 0,
           "listener.raw_retention_days must be 0 (keep forever) or a number of days")
    _check(not (settings.smtp.ssl and settings.smtp.starttls),
           "smtp: choose ssl (implicit TLS, usually port 465) or starttls, not both")
    for name in ("timeout_seconds", "retry_base_seconds", "retry_max_seconds"):
        _check(getattr(settings.smtp, name) > 0, f"smtp.{name} must be positive")
    alerts = settings.alerts
    for name in ("window_minutes", "baseline_days", "min_count",
                 "evaluation_interval_seconds", "bucket_minutes", "critical_batch_seconds"):
        _check(getattr(alerts, name) > 0, f"alerts.{name} must be positive")
    _check(alerts.cooldown_minutes >= 0, "alerts.cooldown_minutes must not be negative")
    _check(alerts.factor > 1, "alerts.factor must be above 1")
    _check(alerts.window_minutes % alerts.bucket_minutes == 0,
           "alerts.window_minutes must be a whole number of alerts.bucket_minutes")
    _check(0 <= alerts.digest_hour <= 23, "alerts.digest_hour must be 0-23")
    incidents = settings.incidents
    _check(incidents.default_language in incidents.languages,
           "incidents.default_language must be one of incidents.languages")
    _check(all(name.strip() for name in incidents.components)
           and len(set(incidents.components)) == len(incidents.components),
           "incidents.components must be distinct, non-empty names")
    _check(all(rate > 0 for rate in incidents.followup_per_minute.values()),
           "incidents.followup_per_minute must be positive numbers of posts")
    for name in ("dispatch_interval_seconds", "batch_size", "max_attempts", "retry_base_seconds",
                 "retry_max_seconds", "claim_lease_seconds"):
        _check(getattr(settings.responder, name) > 0, f"responder.{name} must be positive")
    _check_csat(settings.csat)
    _check(settings.classifier.mode in ("fast", "accurate"),
           "classifier.mode must be fast or accurate")
    _check(settings.app.log_level.upper() in ("DEBUG", "INFO", "WARNING", "ERROR"),
           "app.log_level must be DEBUG, INFO, WARNING or ERROR")
    names: set[str] = set()
    for i, source in enumerate(settings.sources):
        where = f"sources[{i}]"
        _check(bool(source.name), f"{where}.name is required")
        _check(source.name not in names, f"{where}.name {source.name!r} is used twice")
        _check(source.name != "demo", f"{where}.name 'demo' is reserved for the demo source")
        names.add(source.name)
        _check(source.platform in PLATFORMS,
               f"{where}.platform must be one of {', '.join(PLATFORMS)}")
        _check(source.interval_seconds >= 5, f"{where}.interval_seconds must be at least 5")
        _check_platform_needs(where, source.platform, source.base_url, source.credentials)
    for i, account in enumerate(settings.accounts):
        _check(account.platform in PLATFORMS,
               f"accounts[{i}].platform must be one of {', '.join(PLATFORMS)}")
        _check(bool(account.handle), f"accounts[{i}].handle is required")
        _check_platform_needs(f"accounts[{i}]", account.platform, account.base_url,
                              account.credentials)
    for day, span in settings.calendar.hours.items():
        _check(day in WEEKDAYS, f"calendar.hours.{day}: days are {', '.join(WEEKDAYS)}")
        _check_spans(f"calendar.hours.{day}", span)
    for table in ("first_response_minutes", "resolution_minutes"):
        targets = getattr(settings.sla, table)
        for urgency in URGENCIES:
            _check(urgency in targets and targets[urgency] > 0,
                   f"sla.{table}.{urgency} must be a positive number of minutes")
    _check_acknowledgements(settings.acknowledgements)
    try:
        import zoneinfo

        zoneinfo.ZoneInfo(settings.calendar.timezone)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError) as exc:
        raise SettingsError(f"settings: calendar.timezone {settings.calendar.timezone!r} "
                            "is not a known time zone") from exc
    _check_addresses(settings)
    # Holidays (dates, the iCalendar file) are otherwise first read by a job's first SLA.
    from earful.calendar import BusinessCalendar  # (imports this module)

    BusinessCalendar.from_settings(settings.calendar, settings.base_dir)


DATABASE_SCHEMES = ("sqlite", "postgresql")


def _check_addresses(settings: Settings) -> None:
    """URLs are checked here, at start-up, not by the first request or job that uses one."""
    _check_web_url("app.public_url", settings.app.public_url, required=True)
    for i, source in enumerate(settings.sources):
        _check_web_url(f"sources[{i}].base_url", source.base_url)
    for i, account in enumerate(settings.accounts):
        _check_web_url(f"accounts[{i}].base_url", account.base_url)
    from_env = bool(settings.database.url_env and os.environ.get(settings.database.url_env))
    where = (f"the environment variable {settings.database.url_env}" if from_env
             else "database.url")
    scheme = settings.database_url.split(":", 1)[0].split("+", 1)[0].lower()
    _check(scheme in DATABASE_SCHEMES and "://" in settings.database_url,
           f"{where} must be a sqlite:/// or postgresql:// URL")


def _check_web_url(where: str, value: str, required: bool = False) -> None:
    from urllib.parse import urlsplit

    if not value and not required:
        return
    try:
        parts = urlsplit(value)
        valid = parts.scheme in ("http", "https") and bool(parts.hostname)
        parts.port  # noqa: B018  (raises on a port that is not a number)
    except ValueError:
        valid = False
    _check(valid, f"{where} must be an http:// or https:// URL with a host, not {value!r}")


def _check_acknowledgements(config: AcknowledgementSettings) -> None:
    _check(config.max_age_minutes > 0, "acknowledgements.max_age_minutes must be positive")
    _check("en" in config.message,
           "acknowledgements.message.en is required (the fall-back for other languages)")
    for lang, body in config.message.items():
        where = f"acknowledgements.message.{lang}"
        try:
            fields = [(name, spec or conv) for _text, name, spec, conv
                      in string.Formatter().parse(body) if name is not None]
        except ValueError:
            raise SettingsError(f"settings: {where}: unbalanced braces (write {{{{ or }}}} "
                                "for a literal brace)") from None
        names = {name for name, _extra in fields}
        unknown = sorted(names - set(ACKNOWLEDGEMENT_PLACEHOLDERS))
        _check(not unknown and not any(extra for _name, extra in fields),
               f"{where}: placeholders are plain names: "
               + ", ".join("{" + p + "}" for p in ACKNOWLEDGEMENT_PLACEHOLDERS))
        _check("opens_at" in names, f"{where} must say when the team is back: {{opens_at}}")


def _check_csat(csat: CsatSettings) -> None:
    _check(csat.expiry_days > 0, "csat.expiry_days must be positive")
    for lang, text in csat.message.items():
        _check("{csat_url}" in text, f"csat.message.{lang} must contain {{csat_url}}")
    _check("en" in csat.message or not csat.enabled,
           "csat.message.en is required when csat.enabled (the fallback language)")


def _check_platform_needs(where: str, platform: str, base_url: str,
                          credentials: dict[str, str]) -> None:
    if platform in NEEDS_BASE_URL:
        _check(bool(base_url), f"{where}.base_url is required for {platform} (the instance URL)")
    for group in REQUIRED_CREDENTIALS.get(platform, ()):
        _check(any(name in credentials for name in group),
               f"{where}.credentials must name the environment variable for "
               f"{' or '.join(group)} ({platform})")


def _check_spans(where: str, text: str) -> None:
    """Opening hours: '09:00-17:00', '08:00-12:00, 13:00-18:00' or overnight '22:00-06:00'."""
    from earful.calendar import parse_spans  # the calendar owns the format (and imports us)

    try:
        parse_spans(text)
    except ValueError as exc:
        raise SettingsError(f"settings: {where}: {exc}") from exc


def _check(ok: bool, message: str) -> None:
    if not ok:
        raise SettingsError(f"settings: {message}")


def check_credentials(settings: Settings, environ: typing.Mapping[str, str] | None = None) -> None:
    """Every credential variable named by a source or account must be set (start-up check)."""
    environ = os.environ if environ is None else environ
    entries = [(f"sources[{i}] ({s.name})", s.credentials) for i, s in enumerate(settings.sources)]
    entries += [(f"accounts[{i}] ({a.handle})", a.credentials)
                for i, a in enumerate(settings.accounts)]
    for where, credentials in entries:
        for name, variable in credentials.items():
            if not environ.get(variable):
                raise SettingsError(
                    f"settings: {where}.credentials.{name} names the environment variable "
                    f"{variable}, which is not set")
