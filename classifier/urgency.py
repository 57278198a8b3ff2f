"""The urgency rubric: text reasons from the lexicons, then metadata that raises urgency.

critical: safety, account security, fraud, personal data exposed.
high: outage, money lost, time-bound, threat to cancel or sue, repeated contact.
normal: other complaints and questions that need an answer.  low: everything else.
A reason word in plain praise is no reason, except a threat to cancel or sue: a polite threat
("thanks for the reply; my lawyer will write this week") is still a threat.
"""

from __future__ import annotations

from dataclasses import dataclass

from classifier import lexicons, rubric_words
from classifier.labels import TextInput

LEVELS = ("low", "normal", "high", "critical")
BASE_SCORE = {"low": 0.0, "normal": 0.35, "high": 0.6, "critical": 0.85}
SPAN = {"low": 0.3, "normal": 0.25, "high": 0.25, "critical": 0.15}
REPEAT_THRESHOLD = 2  # earlier posts in 24 h; the 3rd post is "repeated contact"
HIGH_REACH_FOLLOWERS = 10_000
# Plain praise: a reason word in it is no reason ("thanks for fixing the outage!").
PRAISE_POSITIVE, PRAISE_COMPLAINT = 0.6, 0.4


@dataclass(frozen=True)
class Urgency:
    """An urgency level, its score in [0, 1] and the reasons behind it."""

    level: str
    score: float
    reasons: list[str]
    codes: list[str]


def _ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def _followers(n: int) -> str:
    if n >= 1_000_000:
        return f"{n / 1_000_000:.1f}".rstrip("0").rstrip(".") + "M"
    if n >= 1_000:
        return f"{n // 1_000}k"
    return str(n)


def _raise(level: str, to: str) -> str:
    return to if LEVELS.index(to) > LEVELS.index(level) else level


def is_praise(text: str, folded: str, complaint_score: float, positive: float) -> bool:
    """Plain praise, in which a reason word is no reason ("thanks for fixing the outage!"):
    positive, no complaint, no question, and not a story closed by a sarcastic "Great."."""
    return (positive >= PRAISE_POSITIVE and complaint_score < PRAISE_COMPLAINT
            and not lexicons.is_question(text, folded) and not lexicons.closing_praise(folded))


def assess(item: TextInput, complaint_score: float, negative: float, positive: float,
           high_reach: int = HIGH_REACH_FOLLOWERS) -> Urgency:
    """Apply the rubric to one text given the model's complaint and sentiment scores."""
    folded = lexicons.fold(item.text)
    question = lexicons.is_question(item.text, folded)
    concern = max(complaint_score, negative)
    level = "normal" if complaint_score >= 0.5 or question else "low"
    codes: list[str] = []
    praise = is_praise(item.text, folded, complaint_score, positive)
    for code in lexicons.urgency_reasons(folded):
        if not praise or code in rubric_words.PRAISE_PROOF:
            codes.append(code)
            level = _raise(level, lexicons.URGENCY_REASONS[code][1])
    reasons = [lexicons.URGENCY_REASONS[c][0] for c in codes]
    if item.recent_contacts >= REPEAT_THRESHOLD:
        nth = _ordinal(item.recent_contacts + 1)
        reason = f"repeated contact ({nth} in 24 h)"
        if "repeat_contact" in codes:
            reasons[codes.index("repeat_contact")] = reason
        else:
            codes.append("repeat_contact")
            reasons.append(reason)
        level = _raise(level, "high" if level != "low" else "normal")
    if item.author_followers is not None and item.author_followers >= high_reach and level != "low":
        codes.append("high_reach")
        reasons.append(f"high-reach author ({_followers(item.author_followers)} followers)")
        level = _raise(level, "high")
    within = min(1.0, 0.6 * concern + 0.2 * min(len(codes), 2) / 2 + (0.2 if question else 0.0))
    if level == "low":
        within = min(1.0, concern)
    score = BASE_SCORE[level] + SPAN[level] * within
    return Urgency(level, round(min(score, 1.0), 4), reasons, codes)
