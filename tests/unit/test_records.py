"""Hostile input is made safe before it is stored."""

from __future__ import annotations

from datetime import datetime

import pytest

from listener.records import AuthorRecord, InvalidRecord, MentionRecord, clean_text


def test_lone_surrogates_and_controls_are_removed() -> None:
    text = clean_text("bad \ud800 surrogate\x00\x1b[31m red\u202e", 100)
    assert "\ud800" not in text and "\x00" not in text and "\x1b" not in text
    assert "\u202e" not in text
    text.encode("utf-8")  # storable


def test_broken_characters_become_the_replacement_character_not_a_question_mark() -> None:
    assert clean_text("a\ud800b \udc00", 100) == "a\ufffdb \ufffd"
    assert clean_text("pair \ud83d\ude00 split", 100) == "pair \U0001f600 split"
    assert clean_text(b"bytes \xff\xfe", 100) == "bytes \ufffd\ufffd"


def test_newlines_emoji_and_rtl_survive() -> None:
    text = "line one\nline two 😡 مرحبا"
    assert clean_text(text, 100) == text


def test_huge_text_is_cut() -> None:
    assert len(clean_text("x" * 50_000, 10_000)) == 10_000


def test_record_without_id_is_invalid() -> None:
    with pytest.raises(InvalidRecord):
        MentionRecord(platform="x", external_id="  ", text="hi",
                      created_at=datetime(2026, 1, 1)).validated()


def test_record_with_bad_time_is_invalid() -> None:
    with pytest.raises(InvalidRecord):
        MentionRecord(platform="x", external_id="1", text="hi",
                      created_at="yesterday").validated()  # type: ignore[arg-type]


def test_dangerous_urls_are_dropped_and_naive_times_become_utc() -> None:
    record = MentionRecord(platform="x", external_id="1", text="hi",
                           created_at=datetime(2026, 1, 1, 9), url="javascript:alert(1)",
                           author=AuthorRecord(external_id="9", followers=-5)).validated()
    assert record.url == ""
    assert record.created_at.tzinfo is not None
    assert record.author is not None and record.author.followers is None


def test_raw_payload_is_made_storable() -> None:
    record = MentionRecord(platform="x", external_id="1", text="hi",
                           created_at=datetime(2026, 1, 1),
                           raw={"text": "bad \ud800", "nested": [{"k\x00": "v"}]}).validated()
    assert record.raw == {"text": "bad \ufffd", "nested": [{"k": "v"}]}
