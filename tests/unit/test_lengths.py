"""Text length as each platform counts it (listener/platforms/lengths.py)."""

from __future__ import annotations

import pytest

from listener.platforms.lengths import LIMITS, count, graphemes, too_long

FAMILY = "\U0001f468\u200d\U0001f469\u200d\U0001f467"  # man ZWJ woman ZWJ girl: one emoji
THUMBS_MEDIUM = "\U0001f44d\U0001f3fd"  # thumbs up + skin tone
FLAG_RO = "\U0001f1f7\U0001f1f4"
KEYCAP_ONE = "1\ufe0f\u20e3"


@pytest.mark.parametrize(("text", "expected"), [
    ("hello", 5),
    ("Γειά σου κόσμε", 14),  # Greek weighs 1
    ("Привет", 6),  # Cyrillic weighs 1
    ("你好世界", 8),  # CJK weighs 2
    ("こんにちは", 10),
    ("\U0001f600", 2),  # one emoji weighs 2
    (FAMILY, 2),  # a ZWJ sequence is one emoji
    (THUMBS_MEDIUM, 2),
    (FLAG_RO, 2),
    (KEYCAP_ONE, 2),
    ("\u2014\u2019", 2),  # em dash (8212), right quote (8217): in the weight-1 ranges
    ("\u2026", 2),  # the ellipsis (8230) is not
    ("\u20ac", 2),  # the euro sign (8364) is outside them
    ("https://lumen.example/a/very/long/path/that/goes/on?and=on", 23),
    ("see https://lumen.example.", 4 + 23 + 1),  # trailing punctuation is not the link's
    ("http://a.io https://b.io", 23 + 1 + 23),
    ("visit lumen.com/help today", 6 + 23 + 6),  # a bare domain is a link on X
    ("write to help@lumen.com", 23),  # an e-mail address is not a link
])
def test_x_weighted_length(text: str, expected: int) -> None:
    assert count("x", text) == expected


def test_x_normalises_to_nfc_first() -> None:
    decomposed = "e\u0301" * 10  # e + combining acute: NFC makes one code point of each pair
    assert count("x", decomposed) == 10


@pytest.mark.parametrize(("text", "expected"), [
    ("hello", 5),
    ("https://lumen.example/" + "a" * 300, 23),
    ("hi @ann@mastodon.social!", len("hi @ann!")),  # a remote mention counts as @user
    ("hi @ann", 7),
    ("Ελληνικά", 8),
    (FAMILY + THUMBS_MEDIUM, 2),  # graphemes, not code points
    ("你好", 2),
])
def test_mastodon_length(text: str, expected: int) -> None:
    assert count("mastodon", text) == expected


@pytest.mark.parametrize(("text", "expected"), [
    ("hello", 5),
    ("e\u0301", 1),  # a combining mark joins its letter
    ("a\u0308\u0301", 1),  # several marks
    (FAMILY, 1),
    (THUMBS_MEDIUM, 1),
    (FLAG_RO + FLAG_RO, 2),  # regional indicators pair up
    (KEYCAP_ONE, 1),
    ("\u2764\ufe0f", 1),  # a variation selector joins
    ("a\r\nb", 3),
    ("你好", 2),
    ("https://lumen.example/abc", len("https://lumen.example/abc")),  # URLs count in full
])
def test_bluesky_graphemes(text: str, expected: int) -> None:
    assert count("bluesky", text) == expected
    assert "".join(graphemes(text)) == text


def test_reddit_and_demo_count_characters() -> None:
    assert count("reddit", "é" * 10) == 10
    assert count("demo", FAMILY) == len(FAMILY)


def test_too_long_says_so_in_plain_words() -> None:
    assert LIMITS == {"x": 280, "mastodon": 500, "bluesky": 300, "reddit": 10_000, "demo": 500}
    assert too_long("x", "a" * 280) is None
    assert too_long("x", "a" * 270 + "你好世界你") is None  # 270 + 5 x 2: exactly the limit
    assert too_long("x", "a" * 291) == "too long for x: 291 of 280"
    assert too_long("x", "你" * 141) == "too long for x: 282 of 280"
    assert too_long("bluesky", FAMILY * 300) is None
    assert too_long("bluesky", FAMILY * 301) == "too long for bluesky: 301 of 300"
    assert too_long("mastodon", "https://lumen.example/" + "a" * 600) is None
    assert too_long("reddit", "r" * 10_001) == "too long for reddit: 10001 of 10000"
    assert too_long("somewhere", "a" * 100_000) is None  # no known limit
