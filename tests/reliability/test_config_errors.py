"""Configuration errors are reported at start-up, in one line naming the key.

Each broken settings file is loaded as start-up loads it (`load_settings`, then the credential
check `earful serve` and `earful worker` run): the error must name the key (or the environment
variable) and fit on one line. Then `earful serve` and `earful worker` themselves are started on
one error of each path (refused while loading, refused by the start-up check): they must exit
non-zero with that one line on stderr, never a traceback.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from earful.settings import SettingsError, check_credentials, load_settings

ROOT = Path(__file__).resolve().parents[2]
UNSET = "EARFUL_TEST_SURELY_UNSET_VARIABLE"
X_SOURCE = '[[sources]]\nname = "x1"\nplatform = "x"\nqueries = ["lumen"]\n'

# name: (settings.toml, what the message must contain)
CASES: dict[str, tuple[str, str]] = {
    "a string for a number": ('[server]\nport = "80"\n', "server.port must be int"),
    "a boolean for a number": ("[responder]\nbatch_size = true\n", "responder.batch_size"),
    "an unknown key": ("[listener]\nmax_backof_seconds = 5\n",
                       "unknown key listener.max_backof_seconds"),
    "an unknown table": ("[listner]\nmax_backoff_seconds = 5\n", "unknown key listner"),
    "a table for an array": ('[sources]\nname = "x"\n', "sources must be an array"),
    "a bad type inside an array": (X_SOURCE.replace('["lumen"]', '["lumen", 3]'),
                                   "sources[0].queries[1] must be str"),
    "an unknown platform": (X_SOURCE.replace('"x"\nq', '"myspace"\nq'), "sources[0].platform"),
    "a public URL without a scheme": ('[app]\npublic_url = "localhost:5000"\n',
                                      "app.public_url"),
    "an instance URL without a scheme": (
        '[[sources]]\nname = "m"\nplatform = "mastodon"\nbase_url = "mastodon.social"\n'
        'credentials = {access_token = "M_TOKEN"}\n', "sources[0].base_url"),
    "an account URL with a bad port": (
        '[[accounts]]\nplatform = "x"\nhandle = "brand"\nbase_url = "https://api.x.com:99999"\n'
        'credentials = {bearer_token = "T"}\n', "accounts[0].base_url"),
    "a database URL of no known engine": ('[database]\nurl = "nonsense://x"\n', "database.url"),
    "an unknown time zone": ('[calendar]\ntimezone = "Mars/Olympus_Mons"\n',
                             "calendar.timezone"),
    "an empty time zone": ('[calendar]\ntimezone = ""\n', "calendar.timezone"),
    "opening hours that are not a span": ('[calendar.hours]\nmon = "9-5"\n',
                                          "calendar.hours.mon"),
    "opening hours past midnight twice": ('[calendar.hours]\ntue = "09:00-25:00"\n',
                                          "calendar.hours.tue"),
    "a day that is not a day": ('[calendar.hours]\nfunday = "09:00-17:00"\n',
                                "calendar.hours.funday"),
    "a holiday that is not a date": ('[calendar]\nholidays = ["2026-02-30"]\n',
                                     "calendar.holidays"),
    "a holiday file that is not there": ('[calendar]\nholidays_ical = "no-such-file.ics"\n',
                                         "calendar.holidays_ical"),
    "an SLA target of zero": ("[sla.first_response_minutes]\ncritical = 30\nhigh = 0\n"
                              "normal = 240\nlow = 1440\n", "sla.first_response_minutes.high"),
    "a credential variable that is not set": (
        X_SOURCE + f'credentials = {{bearer_token = "{UNSET}"}}\n',
        f"sources[0] (x1).credentials.bearer_token names the environment variable {UNSET}"),
    "a source without its credentials": (X_SOURCE, "sources[0].credentials"),
}


def _write(tmp_path: Path, body: str) -> Path:
    path = tmp_path / "settings.toml"
    path.write_text(body, encoding="utf-8")
    return path


@pytest.mark.parametrize("case", list(CASES))
def test_a_bad_setting_is_reported_in_one_line_naming_the_key(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, case: str) -> None:
    body, expected = CASES[case]
    monkeypatch.delenv(UNSET, raising=False)
    monkeypatch.delenv("EARFUL_DATABASE_URL", raising=False)
    with pytest.raises(SettingsError) as caught:
        check_credentials(load_settings(_write(tmp_path, body)))
    message = str(caught.value)
    assert expected in message and "\n" not in message and len(message) < 300


def test_a_bad_database_url_in_the_environment_names_the_variable(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("EARFUL_DATABASE_URL", "mysql://root@localhost/earful")
    with pytest.raises(SettingsError, match="environment variable EARFUL_DATABASE_URL"):
        load_settings(_write(tmp_path, ""))


def test_the_shipped_settings_and_the_examples_still_load() -> None:
    assert load_settings(ROOT / "settings.toml").app.public_url.startswith("http")


def _start(command: str, tmp_path: Path, body: str) -> subprocess.CompletedProcess[str]:
    settings = _write(tmp_path, f'[app]\ninstance_path = "{tmp_path / "instance"}"\n' + body)
    env = {k: v for k, v in os.environ.items() if not k.startswith("EARFUL_")}
    env["EARFUL_SETTINGS"] = str(settings)
    return subprocess.run([sys.executable, "-c", "from web.cli import main; main()", command],
                          cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120)


@pytest.mark.parametrize(("command", "case"), [
    ("serve", "an unknown key"),  # refused while loading settings
    ("worker", "a credential variable that is not set"),  # refused by the start-up check
])
def test_serve_and_worker_stop_with_one_line_naming_the_key(
        tmp_path: Path, command: str, case: str) -> None:
    body, expected = CASES[case]
    ended = _start(command, tmp_path, body)
    assert ended.returncode != 0
    assert "Traceback" not in ended.stderr + ended.stdout
    lines = ended.stderr.strip().splitlines()
    assert len(lines) == 1 and expected in lines[0], ended.stderr


@pytest.mark.parametrize("command", ["serve", "worker", "dispatch"])
def test_an_unmigrated_database_stops_start_up_with_what_to_run(
        tmp_path: Path, command: str) -> None:
    """A worker on a database nobody migrated would die in its first job ("no such table")."""
    ended = _start(command, tmp_path, "")
    assert ended.returncode != 0
    assert "Traceback" not in ended.stderr + ended.stdout
    assert "the database has no tables yet: run `earful db upgrade` first" in ended.stderr
