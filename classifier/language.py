"""Language identification with lingua, restricted to a configured list of languages.

Restricting the candidate list keeps memory low (all languages preloaded take 1.3 GB) and
accuracy high on short texts. lingua picks among the listed languages only, so a text in a
language outside the list gets the closest listed one (Dutch reads as German); "und"
(undetermined) is for texts without letters and those lingua cannot decide between.

lingua reads its n-gram models on the first detection: ~1.5-2 s for the seven Latin-script
languages of the default list (el, ru, ar, hi are told apart by script). Loading them in a
background thread does not overlap with anything (lingua holds the GIL while it loads: measured
slower, not faster), so they load on first use. lingua's low-accuracy mode loads in ~0.1 s but
was measured 4-13 points less accurate on 40-character tweets in en, es, pt, fr, de (and 75% vs
85% on short Romanian sentences), so it stays off.
"""

from __future__ import annotations

from lingua import IsoCode639_1, Language, LanguageDetectorBuilder

DEFAULT_LANGUAGES = ("en", "es", "fr", "de", "it", "pt", "ro", "el", "ru", "ar", "hi")
# Detection time grows with length (a 10,000-character post took 5.8 s); the first few hundred
# characters decide the language just as well, and a stranger cannot stall a poll.
DETECT_CHARS = 600


class UnknownLanguageError(ValueError):
    """A configured language code that lingua does not know."""


def _languages(codes: tuple[str, ...] | list[str]) -> list[Language]:
    languages = []
    for code in codes:
        try:
            iso = IsoCode639_1.from_str(code.lower())
        except ValueError as exc:
            raise UnknownLanguageError(f"unknown ISO 639-1 language code {code!r}") from exc
        languages.append(Language.from_iso_code_639_1(iso))
    return languages


class LanguageDetector:
    """Detects the ISO 639-1 code of a text among the configured languages, or "und"."""

    def __init__(self, codes: tuple[str, ...] | list[str] = DEFAULT_LANGUAGES,
                 low_accuracy: bool = False) -> None:
        languages = _languages(codes)
        if len(languages) < 2:
            raise UnknownLanguageError("at least two languages are needed for detection")
        builder = LanguageDetectorBuilder.from_languages(*languages)
        if low_accuracy:
            builder = builder.with_low_accuracy_mode()
        self._detector = builder.build()
        self.codes = tuple(codes)

    def detect(self, text: str) -> str:
        """Return the ISO 639-1 code, or "und" when the text has no letters to go by."""
        if not any(ch.isalpha() for ch in text):
            return "und"
        language = self._detector.detect_language_of(text[:DETECT_CHARS])
        if language is None:
            return "und"
        return language.iso_code_639_1.name.lower()
