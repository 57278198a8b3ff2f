"""Text length as each platform counts it, so a reply is refused here, not by the platform.

- X: twitter-text v3 weighted length, limit 280 (standard accounts). The text is NFC-normalised;
  each code point in the published ranges 0-4351, 8192-8205, 8208-8223 and 8242-8247 weighs 1,
  every other code point (CJK, most symbols) weighs 2; an emoji sequence (with its skin tone,
  variation selector, keycap or ZWJ-joined parts, or a flag's two regional indicators) weighs 2
  as a whole; every URL counts 23 (t.co), whatever its length.
- Mastodon: 500 characters counted as graphemes, every http(s) URL counts 23 and a remote
  mention @user@domain counts only as @user (Mastodon's StatusLengthValidator).
- Bluesky: 300 graphemes of the text as written (URLs count in full).
- Reddit: 10,000 characters (code points) for a comment or a self-post body.
- demo: 500 characters.

Graphemes are approximated with `unicodedata`, without a new dependency: a combining mark,
a variation selector, an emoji skin-tone modifier, a tag character, the keycap mark, the
character after a zero-width joiner and the second of a pair of regional indicators join the
character before them; CR LF is one. Hangul syllables spelled as separate jamo and the rarer
Indic cluster rules are not joined, so such text counts a little long: the safe side.
URLs are found as `http(s)://...` and, for X only, `www.` and bare domains under common TLDs
(twitter-text knows every TLD; a bare domain under another TLD counts as its own length).
"""

from __future__ import annotations

import re
import unicodedata

LIMITS: dict[str, int] = {"x": 280, "mastodon": 500, "bluesky": 300, "reddit": 10_000,
                          "demo": 500}

URL_LENGTH = 23  # X's t.co links and Mastodon's placeholder
_X_LIGHT = ((0, 4351), (8192, 8205), (8208, 8223), (8242, 8247))  # weight 1; the rest weigh 2
_TRAILING = ".,;:!?)]}'\"»”’"
_SCHEME_URL = re.compile(r"https?://[^\s<>\"]+", re.IGNORECASE)
_X_URL = re.compile(
    r"https?://[^\s<>\"]+"
    r"|\bwww\.[^\s<>\"]+"
    r"|(?<![@\w.-])(?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?\.)+"
    r"(?:com|net|org|info|biz|io|co|app|dev|ly|me|tv|ai|eu|uk|de|fr|es|it|nl|ro|gr|ru|ua|pl)"
    r"\b(?:/[^\s<>\"]*)?",
    re.IGNORECASE)
# @user@domain: Mastodon counts only "@user" of a remote mention.
_REMOTE_MENTION = re.compile(r"(?<![\w/])(@[a-z0-9_]+(?:[a-z0-9_.-]+[a-z0-9_]+)?)"
                             r"@[a-z0-9.-]+\.[a-z0-9-]+", re.IGNORECASE)
_ZWJ = "\u200d"


def count(platform: str, text: str) -> int:
    """The length of `text` as `platform` counts it against its limit."""
    if platform == "x":
        return _x_weighted(text)
    if platform == "mastodon":
        return _mastodon(text)
    if platform == "bluesky":
        return len(graphemes(text))
    return len(text)


def too_long(platform: str, text: str) -> str | None:
    """A plain-words reason when `text` is over `platform`'s limit ("too long for x: 291 of
    280"), else None (also for a platform without a known limit)."""
    limit = LIMITS.get(platform)
    if limit is None:
        return None
    length = count(platform, text)
    return f"too long for {platform}: {length} of {limit}" if length > limit else None


def graphemes(text: str) -> list[str]:
    """`text` split into (approximate) user-perceived characters; see the module docstring."""
    clusters: list[str] = []
    for char in text:
        if clusters and _joins_previous(clusters[-1], char):
            clusters[-1] += char
        else:
            clusters.append(char)
    return clusters


def _joins_previous(cluster: str, char: str) -> bool:
    code = ord(char)
    last = cluster[-1]
    if last == _ZWJ or char == _ZWJ:
        return True
    if last == "\r" and char == "\n":
        return True
    if unicodedata.combining(char) or unicodedata.category(char) in ("Mn", "Me", "Mc"):
        return True
    if 0xFE00 <= code <= 0xFE0F or 0xE0020 <= code <= 0xE007F:  # variation selectors, tags
        return True
    if 0x1F3FB <= code <= 0x1F3FF:  # emoji skin-tone modifiers
        return True
    if _regional(char):  # a flag is two regional indicators
        pairs = len(cluster) if all(_regional(c) for c in cluster) else 0
        return pairs % 2 == 1
    return False


def _regional(char: str) -> bool:
    return 0x1F1E6 <= ord(char) <= 0x1F1FF


def _x_weighted(text: str) -> int:
    text = unicodedata.normalize("NFC", text)
    total, position = 0, 0
    for match in _X_URL.finditer(text):
        url = match.group(0).rstrip(_TRAILING)
        total += _x_plain(text[position:match.start()]) + URL_LENGTH
        position = match.start() + len(url)
    return total + _x_plain(text[position:])


def _x_plain(text: str) -> int:
    total = 0
    for cluster in graphemes(text):
        if _is_emoji(cluster):
            total += 2  # one emoji sequence weighs the default weight once
            continue
        for char in cluster:
            code = ord(char)
            total += 1 if any(start <= code <= end for start, end in _X_LIGHT) else 2
    return total


def _is_emoji(cluster: str) -> bool:
    """An emoji presentation sequence (approximate: pictographic planes, dingbats and
    symbols, keycaps, flags, or anything carrying the emoji variation selector)."""
    first = ord(cluster[0])
    return (first >= 0x1F000 or 0x2600 <= first <= 0x27BF or 0x2B00 <= first <= 0x2BFF
            or "\ufe0f" in cluster or "\u20e3" in cluster) and not (
        len(cluster) == 1 and first < 0x2600)


def _mastodon(text: str) -> int:
    def placeholder(match: re.Match[str]) -> str:
        url = match.group(0)
        return "x" * URL_LENGTH + url[len(url.rstrip(_TRAILING)):]  # punctuation still counts

    text = _SCHEME_URL.sub(placeholder, text)
    text = _REMOTE_MENTION.sub(lambda match: match.group(1), text)
    return len(graphemes(text))
