"""The demo's canned responses: five names, each in the seven demo languages, from canned.toml."""

from __future__ import annotations

import tomllib
from importlib.resources import files

from sqlalchemy import select
from sqlalchemy.orm import Session

from earful.models import CannedResponse

LANGUAGES = ("en", "ro", "el", "ru", "es", "fr", "de")


def load_canned() -> list[tuple[str, str, str]]:
    """(name, lang, body) for every language version in canned.toml, in file order."""
    text = files("listener.demo").joinpath("canned.toml").read_text(encoding="utf-8")
    return [(entry["name"], lang, body.strip())
            for entry in tomllib.loads(text)["responses"]
            for lang, body in entry["body"].items()]


def seed_canned_responses(session: Session) -> int:
    """Add the versions whose (name, lang) is missing and return how many; the caller commits.

    An existing row is never updated: once seeded, the text belongs to the team that edits it.
    """
    existing = {(name, lang) for name, lang in
                session.execute(select(CannedResponse.name, CannedResponse.lang))}
    added = 0
    for name, lang, body in load_canned():
        if (name, lang) not in existing:
            session.add(CannedResponse(name=name, lang=lang, body=body))
            existing.add((name, lang))
            added += 1
    return added
