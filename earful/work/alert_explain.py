"""What spiked: the explanation an alert carries, and the draft incident it may propose.

Terms are scored by smoothed log-odds of their rate in the alert's window against the baseline
window before it (Monroe et al.'s "fightin' words" with a flat prior), over words and word pairs
folded for case and diacritics, in any language; @handles, links and numbers are left out.
The rest is counted in SQL over the window: platforms, languages, sources, complaints, and the
posts with the widest reach (the author's followers). A spike that looks like an outage (a third
or more of the window's complaints carry the classifier's "outage" reason) with no incident open
proposes a draft incident with suggested keywords per language.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from earful.models import Author, Incident, Mention, Source
from earful.vocab import IncidentStatus, Status
from earful.work.incident_links import OUTAGE_CODE, fold

TOP_TERMS = 8
TOP_POSTS = 5
MAX_TEXTS = 5_000  # mentions read per window for the term counts
BASELINE_SPAN = timedelta(days=7)
OUTAGE_SHARE = 1 / 3
_WORD = re.compile(r"(?<![@#\w/])[^\W\d_]{3,}(?!\w)")
_LINK = re.compile(r"https?://\S+|www\.\S+")
# Words too common to explain anything, in the demo's languages (folded).
_STOP = frozenset(fold(w) for w in """
the and for you your with this that are was not have has but our all any can just from they
what when why how out get got its it's too very still again now today lumen mobile
been have since about there their them then than will would could should into only
este sunt din pentru care mai nu cu la pe si sau ce cum
και για δεν την της του στο στη που από
это что как так уже все мне меня при для
los las del que por con una para pero como esta este
les des une pour pas avec est que qui sur dans plus
und die der das ist nicht mit ein eine für auf bei ich kein keine mein meine seit
""".split())


def tokens(text: str) -> list[str]:
    """Folded words and word pairs of a post (no handles, links or numbers)."""
    words = [w for w in _WORD.findall(fold(_LINK.sub(" ", text))) if w not in _STOP]
    return words + [f"{a} {b}" for a, b in zip(words, words[1:], strict=False)]


def log_odds(window: Iterable[str], baseline: Iterable[str], top: int = TOP_TERMS
             ) -> list[tuple[str, float]]:
    """The terms most over-represented in `window` against `baseline` (z-scored log-odds)."""
    a, b = Counter(), Counter()
    for text in window:
        a.update(set(tokens(text)))
    for text in baseline:
        b.update(set(tokens(text)))
    n_a, n_b, prior = sum(a.values()), sum(b.values()), 0.5
    vocabulary = len(set(a) | set(b)) or 1
    scored = []
    for term, count in a.items():
        if count < 2:
            continue
        other = b.get(term, 0)
        delta = (math.log((count + prior) / (n_a + prior * vocabulary - count - prior))
                 - math.log((other + prior) / (n_b + prior * vocabulary - other - prior)))
        variance = 1 / (count + prior) + 1 / (other + prior)
        scored.append((term, round(delta / math.sqrt(variance), 2)))
    scored.sort(key=lambda item: (-item[1], item[0]))
    return _drop_covered(scored)[:top]


def _drop_covered(scored: list[tuple[str, float]]) -> list[tuple[str, float]]:
    """A word already inside a higher-scored pair adds nothing."""
    kept: list[tuple[str, float]] = []
    for term, score in scored:
        if not any(term in other.split() for other, _ in kept if " " in other):
            kept.append((term, score))
    return kept


def _scoped(query: Any, platform: str | None, source_id: int | None, sentiment: str | None
            ) -> Any:
    query = query.where(Mention.status != Status.OWN, Mention.deleted.is_(False))
    if platform:
        query = query.where(Mention.platform == platform)
    if source_id is not None:
        query = query.where(Mention.source_id == source_id)
    if sentiment:
        query = query.where(Mention.sentiment == sentiment)
    return query


def _texts(session: Session, start: datetime, end: datetime, **scope: Any) -> list[str]:
    query = _scoped(select(Mention.text).where(Mention.created_at >= start,
                                               Mention.created_at < end), **scope)
    return list(session.scalars(query.order_by(Mention.created_at.desc(), Mention.id.desc())
                                 .limit(MAX_TEXTS)))


def _count_by(session: Session, column: Any, start: datetime, end: datetime, **scope: Any
              ) -> dict[str, int]:
    query = select(column, func.count()).select_from(Mention)
    if column is Source.name:
        query = query.join(Source, Source.id == Mention.source_id)
    query = _scoped(query.where(Mention.created_at >= start, Mention.created_at < end),
                    **scope).group_by(column)
    return {str(key or "unknown"): int(n) for key, n in session.execute(query)}


def explain(session: Session, start: datetime, end: datetime, *, sentiment: str | None,
            platform: str | None = None, source_id: int | None = None) -> dict[str, Any]:
    """The explanation of a spike in [start, end) (JSON-ready, for the alert and its e-mail)."""
    scope = {"platform": platform, "source_id": source_id, "sentiment": sentiment}
    window = _texts(session, start, end, **scope)
    baseline = _texts(session, start - BASELINE_SPAN, start, **scope)
    by_source = _count_by(session, Source.name, start, end, **scope) if source_id is None \
        else {}
    complaints = session.scalar(_scoped(select(func.count()).where(
        Mention.created_at >= start, Mention.created_at < end, Mention.complaint.is_(True)),
        **scope)) or 0
    details: dict[str, Any] = {
        "terms": log_odds(window, baseline),
        "platforms": _count_by(session, Mention.platform, start, end, **scope),
        "languages": _count_by(session, Mention.lang, start, end, **scope),
        "sources": by_source, "complaints": int(complaints),
        "top_posts": top_posts(session, start, end, **scope),
        "incident": None, "proposed_incident": None}
    incident = session.scalar(select(Incident).where(
        Incident.status != IncidentStatus.RESOLVED).order_by(Incident.started_at.desc(),
                                                              Incident.id.desc()))
    if incident is not None:
        details["incident"] = {"id": incident.id, "title": incident.title}
    elif looks_like_outage(session, start, end, **scope):
        details["proposed_incident"] = propose(session, start, end, details["terms"], **scope)
    return details


def top_posts(session: Session, start: datetime, end: datetime, **scope: Any
              ) -> list[dict[str, Any]]:
    """The window's posts with the widest reach: what most people saw."""
    query = _scoped(select(Mention.id, Mention.text, Mention.platform, Author.followers)
                    .join(Author, Author.id == Mention.author_id, isouter=True)
                    .where(Mention.created_at >= start, Mention.created_at < end), **scope)
    rows = session.execute(query.order_by(func.coalesce(Author.followers, 0).desc(),
                                          Mention.id.desc()).limit(TOP_POSTS))
    return [{"id": i, "text": (text or "")[:280], "platform": p, "followers": f or 0}
            for i, text, p, f in rows]


def looks_like_outage(session: Session, start: datetime, end: datetime, **scope: Any) -> bool:
    """A third or more of the window's complaints carry the classifier's outage reason."""
    codes = session.scalars(_scoped(select(Mention.reason_codes).where(
        Mention.created_at >= start, Mention.created_at < end, Mention.complaint.is_(True)),
        **scope).limit(MAX_TEXTS)).all()
    if not codes:
        return False
    outages = sum(1 for c in codes if isinstance(c, list) and OUTAGE_CODE in c)
    return outages / len(codes) >= OUTAGE_SHARE


def propose(session: Session, start: datetime, end: datetime, terms: list[tuple[str, float]],
            **scope: Any) -> dict[str, Any]:
    """A draft incident: a title from the top term, keywords per language from the window."""
    by_lang: dict[str, list[str]] = {}
    query = _scoped(select(Mention.lang, Mention.text).where(
        Mention.created_at >= start, Mention.created_at < end), **scope).limit(MAX_TEXTS)
    texts: dict[str, list[str]] = {}
    for lang, text in session.execute(query):
        texts.setdefault(lang or "und", []).append(text or "")
    for lang, group in texts.items():
        counted = Counter(t for text in group for t in set(tokens(text)) if " " not in t)
        common = [t for t, n in counted.most_common(3) if n >= 2]
        if common and lang != "und":
            by_lang[lang] = common
    headline = terms[0][0] if terms else "negative mentions"
    return {"title": f"Reports of problems: {headline}", "keywords": by_lang}
