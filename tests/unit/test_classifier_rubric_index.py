"""The rubric's fast index (one finder, then each reason's entries by literal prefix) finds
exactly what the plain definition finds: a reason is found where any one of its entries,
compiled alone, matches at a word start not just after a negation."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from classifier import lexicons, parity, rubric_words

ROOT = Path(__file__).resolve().parents[2]


_PLAIN = {code: [re.compile("(?<!\\w)(?:" + lexicons.fold(e) + ")") for e in entries]
          for code, (_, _, entries) in lexicons.URGENCY_REASONS.items()}


def _starts(pattern: re.Pattern[str], folded: str) -> list[int]:
    out, pos = [], 0
    while (match := pattern.search(folded, pos)) is not None:
        out.append(match.start())
        pos = match.start() + 1
    return out


def _plain(folded: str) -> set[str]:
    return {code for code, patterns in _PLAIN.items()
            if any(code not in rubric_words.NEGATABLE or not lexicons._negated_before(folded, at)
                   for pattern in patterns for at in _starts(pattern, folded))}


def _texts() -> list[str]:
    items = parity.load(parity.data_files(ROOT / "bench" / "parity"))
    texts = [item.texts[lang] for item in items[::5] for lang in parity.LANGUAGES]
    # every entry that is plain text, inside a sentence and after a negation
    literal = [e for _, _, entries in lexicons.URGENCY_REASONS.values() for e in entries
               if not set(e) & set("\\()[]?*+{|.^$")]
    texts += [f"so {e} again" for e in literal[::3]] + [f"not {e}" for e in literal[1::7]]
    # entries whose literal prefix is one or two characters, or none
    texts += ["charged me twice, 3 times now", "my email was changed", "I'm leaving",
              "€40 gone from my card", "nu-mi merge nimic", "no-one came", "2 charges today",
              "I never authorised that", "я не делал этот платёж", "пишу в цб",
              "2fa 6-stellige code", ""]
    return texts


@pytest.mark.parametrize("chunk", range(4))
def test_index_finds_what_one_pattern_per_entry_finds(chunk: int) -> None:
    texts = _texts()[chunk::4]
    assert len(texts) > 50
    for text in texts:
        folded = lexicons.fold(text)
        assert lexicons.phrases_found(folded) == _plain(folded), text


def test_prefix_is_what_every_match_starts_with() -> None:
    assert lexicons._literal_prefix("charged (?:me )?twice") == "cha"
    assert lexicons._literal_prefix("no\\b") == "no"
    assert lexicons._literal_prefix("servers? down") == "ser"
    assert lexicons._literal_prefix("se?rvers") == "s"
    assert lexicons._literal_prefix("a|b") == ""
    assert lexicons._literal_prefix("\\d+ times") == ""
