"""Settings: documented, validated, overridable, secrets by environment variable."""

from __future__ import annotations

import dataclasses
import tomllib
import typing
from pathlib import Path

import pytest

from earful.settings import (
    Settings,
    SettingsError,
    check_credentials,
    load_settings,
)

ROOT = Path(__file__).resolve().parents[2]
SETTINGS_TOML = ROOT / "settings.toml"
X_CREDENTIALS = 'credentials = { bearer_token = "EARFUL_X_TOKEN" }\n'


def _examples() -> str:
    """The "#~ " example lines of settings.toml, uncommented."""
    lines = SETTINGS_TOML.read_text(encoding="utf-8").splitlines()
    return "\n".join(line[3:] for line in lines if line.startswith("#~ "))


def _documented() -> dict[str, typing.Any]:
    raw = tomllib.loads(SETTINGS_TOML.read_text(encoding="utf-8"))
    raw.update(tomllib.loads(_examples()))
    return raw


def _schema_keys(cls: type, prefix: str = "") -> list[str]:
    keys = []
    hints = typing.get_type_hints(cls)
    for field in dataclasses.fields(cls):
        if field.metadata.get("internal"):
            continue
        hint = hints[field.name]
        name = f"{prefix}{field.name}"
        if dataclasses.is_dataclass(hint):
            keys += _schema_keys(hint, f"{name}.")
        elif typing.get_origin(hint) is list and dataclasses.is_dataclass(typing.get_args(hint)[0]):
            keys += _schema_keys(typing.get_args(hint)[0], f"{name}[].")
        else:
            keys.append(name)
    return keys


def _has(raw: typing.Any, key: str) -> bool:
    head, _, rest = key.partition(".")
    if head.endswith("[]"):
        items = raw.get(head[:-2], [])
        return bool(items) and all(_has(item, rest) for item in items)
    if head not in raw:
        return False
    return _has(raw[head], rest) if rest else True


def test_every_setting_the_code_reads_is_documented() -> None:
    documented = _documented()
    missing = [key for key in _schema_keys(Settings) if not _has(documented, key)]
    assert missing == [], f"settings.toml does not document: {missing}"


def test_documented_defaults_equal_code_defaults() -> None:
    from_file = load_settings(SETTINGS_TOML)
    defaults = Settings()
    for section in ("app", "server", "database", "demo", "classifier", "calendar", "sla",
                    "listener", "smtp", "alerts"):
        assert getattr(from_file, section) == getattr(defaults, section), section


def test_examples_are_valid_settings(tmp_path: Path) -> None:
    path = tmp_path / "settings.toml"
    path.write_text(_examples(), encoding="utf-8")
    settings = load_settings(path)
    assert settings.sources and settings.accounts
    assert not settings.demo_active  # configured sources switch the demo off


def test_unknown_key_is_named(tmp_path: Path) -> None:
    path = tmp_path / "settings.toml"
    path.write_text("[server]\nprot = 5000\n", encoding="utf-8")
    with pytest.raises(SettingsError, match="server.prot"):
        load_settings(path)


def test_wrong_type_is_named(tmp_path: Path) -> None:
    path = tmp_path / "settings.toml"
    path.write_text('[server]\nport = "eighty"\n', encoding="utf-8")
    with pytest.raises(SettingsError, match="server.port must be int"):
        load_settings(path)


def test_bad_source_platform_is_named(tmp_path: Path) -> None:
    path = tmp_path / "settings.toml"
    path.write_text('[[sources]]\nname = "a"\nplatform = "myspace"\n', encoding="utf-8")
    with pytest.raises(SettingsError, match=r"sources\[0\].platform"):
        load_settings(path)


def test_local_file_overrides_and_replaces_arrays(tmp_path: Path) -> None:
    (tmp_path / "settings.toml").write_text(
        '[server]\nport = 5000\nhost = "127.0.0.1"\n'
        '[[sources]]\nname = "one"\nplatform = "x"\n' + X_CREDENTIALS +
        '[[sources]]\nname = "two"\nplatform = "x"\n' + X_CREDENTIALS, encoding="utf-8")
    (tmp_path / "settings.local.toml").write_text(
        '[server]\nport = 8080\n[[sources]]\nname = "three"\nplatform = "bluesky"\n'
        'credentials = { app_password = "EARFUL_BSKY" }\n',
        encoding="utf-8")
    settings = load_settings(tmp_path / "settings.toml")
    assert settings.server.port == 8080
    assert settings.server.host == "127.0.0.1"  # tables merge key by key
    assert [s.name for s in settings.sources] == ["three"]  # arrays are replaced


def test_missing_credential_variable_is_named() -> None:
    settings = load_settings(SETTINGS_TOML, overrides={"sources": [
        {"name": "x-brand", "platform": "x", "credentials": {"bearer_token": "EARFUL_T_X"}}]})
    with pytest.raises(SettingsError, match="EARFUL_T_X"):
        check_credentials(settings, environ={})
    check_credentials(settings, environ={"EARFUL_T_X": "secret"})


def test_settings_path_from_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "elsewhere.toml"
    path.write_text("[server]\nport = 6001\n", encoding="utf-8")
    monkeypatch.setenv("EARFUL_SETTINGS", str(path))
    assert load_settings().server.port == 6001
    monkeypatch.setenv("EARFUL_SETTINGS", str(tmp_path / "missing.toml"))
    with pytest.raises(SettingsError, match="does not exist"):
        load_settings()


def test_database_url_env_wins(monkeypatch: pytest.MonkeyPatch) -> None:
    settings = load_settings(SETTINGS_TOML)
    assert settings.database_url.startswith("sqlite:///")
    assert settings.database_url.endswith("instance/earful.db")
    monkeypatch.setenv("EARFUL_DATABASE_URL", "postgresql+psycopg://u@127.0.0.1/e")
    assert settings.database_url == "postgresql+psycopg://u@127.0.0.1/e"


def test_bad_calendar_values_are_named(tmp_path: Path) -> None:
    path = tmp_path / "settings.toml"
    path.write_text('[calendar]\ntimezone = "Mars/Olympus"\n', encoding="utf-8")
    with pytest.raises(SettingsError, match="Mars/Olympus"):
        load_settings(path)
    path.write_text('[calendar]\nhours = { mon = "9 to 5" }\n', encoding="utf-8")
    with pytest.raises(SettingsError, match="calendar.hours.mon"):
        load_settings(path)


@pytest.mark.parametrize(("source", "named"), [
    ('platform = "mastodon"\ncredentials = { access_token = "T" }', r"sources\[0\]\.base_url"),
    ('platform = "x"', "bearer_token or access_token"),
    ('platform = "reddit"\ncredentials = { client_id = "I" }', "client_secret"),
    ('platform = "bluesky"\ncredentials = { identifier = "I" }', "app_password"),
])
def test_platform_requirements_are_named(tmp_path: Path, source: str, named: str) -> None:
    path = tmp_path / "settings.toml"
    path.write_text(f'[[sources]]\nname = "s"\n{source}\n', encoding="utf-8")
    with pytest.raises(SettingsError, match=named):
        load_settings(path)
