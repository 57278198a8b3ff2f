"""The demo source as an adapter: it "fetches" the scenario's beats whose time has come.

The cursor holds when the current replay started and how far it got, so a restart continues
where it stopped instead of replaying (and the insert-or-ignore ingest makes a repeat harmless).
When a replay ends the scenario starts over as a new cycle with new ids, so the demo stays alive.
"""

from __future__ import annotations

import itertools
from datetime import datetime, timedelta
from typing import Any

from earful.clock import now
from earful.settings import AccountSettings, Settings, SourceSettings
from listener.demo.scenario import SCENARIO, Beat
from listener.platforms.base import FetchResult, PostRef
from listener.records import AuthorRecord, MentionRecord

PLATFORM = "demo"
BRAND_HANDLE = "LumenMobile"
PAUSE_BETWEEN_CYCLES = 120.0  # seconds (at speed 1) of quiet before the scenario starts over


class DemoAdapter:
    platform = PLATFORM

    def __init__(self, speed: float = 1.0) -> None:
        self.speed = speed
        self._posted: dict[str, MentionRecord] = {}
        self._ids = itertools.count(1)

    @classmethod
    def from_settings(cls, source: SourceSettings, settings: Settings) -> DemoAdapter:
        return cls(speed=settings.demo.speed)

    @classmethod
    def from_account(cls, account: AccountSettings, settings: Settings) -> DemoAdapter:
        """The demo's built-in brand account (it posts nowhere real)."""
        return cls(speed=settings.demo.speed)

    def fetch_mentions(self, source: SourceSettings, cursor: Any) -> FetchResult:
        """Every beat due by now, with a cursor just past the last one returned."""
        moment = now()
        state = dict(cursor or {"started_at": moment.isoformat(), "cycle": 1, "next": 0})
        records: list[MentionRecord] = []
        for _ in range(1000):  # bounded: a long-stopped demo catches up a cycle at a time
            started = datetime.fromisoformat(state["started_at"])
            index = state["next"]
            if index < len(SCENARIO):
                due = started + timedelta(seconds=SCENARIO[index][0] / self.speed)
                if due > moment:
                    break
                records.append(beat_record(state["cycle"], index, due))
                state["next"] = index + 1
                continue
            cycle_end = started + timedelta(
                seconds=(SCENARIO[-1][0] + PAUSE_BETWEEN_CYCLES) / self.speed)
            if cycle_end > moment:
                break
            state = {"started_at": cycle_end.isoformat(), "cycle": state["cycle"] + 1, "next": 0}
        return FetchResult(records=records, cursor=state, requests=0)

    def get_post(self, external_id: str) -> MentionRecord | None:
        """Scenario beats and history never disappear; our own demo replies live in memory."""
        if external_id in self._posted:
            return self._posted[external_id]
        cycle, _, index = external_id.partition("-")
        if cycle.isdigit() and index.isdigit() and int(index) < len(SCENARIO):
            return beat_record(int(cycle), int(index), now())
        if cycle == "history":
            return MentionRecord(platform=PLATFORM, external_id=external_id, text="",
                                 created_at=now())
        return None

    def post(self, account: AccountSettings, text: str, reply_to: str | None = None, *,
             idempotency_key: str | None = None) -> PostRef:
        """Pretend to publish: the demo has no network to post to. The id comes from the outbox
        row's key, so a second attempt of one reply "posts" the same post, as exactly-once asks."""
        external_id = f"reply-{idempotency_key or next(self._ids)}"
        self._posted[external_id] = MentionRecord(
            platform=PLATFORM, external_id=external_id, text=text, created_at=now(),
            author=AuthorRecord(external_id=f"x:{BRAND_HANDLE}", handle=BRAND_HANDLE),
            parent_external_id=reply_to, is_own=True)
        return PostRef(PLATFORM, external_id)

    def find_own_post(self, account: AccountSettings, reply_to: str | None,
                      text: str) -> PostRef | None:
        for record in self._posted.values():
            if record.parent_external_id == reply_to and record.text == text:
                return PostRef(PLATFORM, record.external_id)
        return None


def beat_record(cycle: int, index: int, created_at: datetime) -> MentionRecord:
    """The mention record for one beat of one replay."""
    _, network, handle, name, followers, text, reply_to = SCENARIO[index]
    root = _root(index)
    return MentionRecord(
        platform=PLATFORM,
        external_id=f"{cycle}-{index}",
        text=text,
        created_at=created_at,
        author=AuthorRecord(external_id=f"{network}:{handle}", handle=handle,
                            display_name=name, followers=followers),
        conversation_id=f"{cycle}-{root}",
        parent_external_id=f"{cycle}-{reply_to}" if reply_to is not None else None,
        raw={"network": network, "scenario_beat": index},
        is_own=handle == BRAND_HANDLE,
    )


def _root(index: int) -> int:
    beat: Beat = SCENARIO[index]
    while beat[6] is not None:
        index = beat[6]
        beat = SCENARIO[index]
    return index
