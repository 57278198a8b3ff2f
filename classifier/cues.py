"""Language-independent cues and text normalisation, shared by training and run time.

Kept free of scikit-learn and scipy so the run-time model (classifier/inference.py) loads fast.
"""

from __future__ import annotations

import html
import re

from classifier import lexicons

URL_RE = re.compile(r"https?://\S+|www\.\S+", re.IGNORECASE)
HANDLE_RE = re.compile(r"@\w+")
REPEAT_RE = re.compile(r"(\w)\1{2,}")
MONEY_RE = re.compile(
    r"[$€£¥₹₽]\s?\d|\d\s?(?:[$€£¥₹₽]|usd|eur|gbp|lei|ron|euro|dollars?|rub|руб)", re.IGNORECASE)
CAPS_WORD_RE = re.compile(r"\b[A-Z]{3,}\b")

POSITIVE_EMOJI = set("😀😁😂🤣😃😄😅😆😉😊😋😍😘🥰😎🙂🤗👍👏🙌💪🎉"
                     "❤💕💖💗💙💚💛💜🧡🔥✨⭐🌟😻💯🙏☺♥")
NEGATIVE_EMOJI = set("😠😡🤬😤😞😟😢😭😩😫😒🙄😑😐😕🙁☹😣😖😓😔💩👎🤮🤢😱😨😰💔")
SARCASM_EMOJI = set("🙄🙃😒")

CUE_NAMES = (
    "pos_emoji", "neg_emoji", "sarcasm_marker", "exclaim", "question", "caps", "repeat",
    "money", "url", "handle", "pos_words", "neg_words", "negation", "complaint_words",
    "thanks", "length",
)


def normalise(text: str) -> str:
    """Unescape HTML, map URLs and handles to placeholders, shorten letter runs."""
    text = html.unescape(text)
    text = URL_RE.sub(" http ", text)
    text = HANDLE_RE.sub("@user", text)
    return REPEAT_RE.sub(r"\1\1", text)


def cues(text: str) -> list[float]:
    """Language-independent cues of one raw text, each squashed into [0, 1]."""
    folded = lexicons.fold(text)
    counts = lexicons.sentiment_counts(folded)
    pos_e = sum(ch in POSITIVE_EMOJI for ch in text)
    neg_e = sum(ch in NEGATIVE_EMOJI for ch in text)
    sarcasm = any(ch in SARCASM_EMOJI for ch in text) or lexicons.has_sarcasm(folded)
    words = max(1, len(text.split()))
    values = [
        pos_e, neg_e, float(sarcasm), text.count("!"), text.count("?"),
        len(CAPS_WORD_RE.findall(text)) / words * 3, float(bool(REPEAT_RE.search(text))),
        float(bool(MONEY_RE.search(text))), float(bool(URL_RE.search(text))),
        float(bool(HANDLE_RE.search(text))), counts["positive"], counts["negative"],
        counts["negation"], counts["complaint"], counts["thanks"], len(text) / 140,
    ]
    return [min(v, 3.0) / 3.0 if i < len(values) - 1 else min(v, 2.0) / 2.0
            for i, v in enumerate(values)]
