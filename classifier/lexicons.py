"""Multilingual word lists: sentiment cues and the urgency rubric's reasons.

Entries are regular-expression fragments matched at the start of a word on "folded" text
(lower case, accents and diacritics removed, final sigma normalised), so "dezamăgit",
"dezamagit" and "DEZAMĂGIT" all hit the same entry. An entry matches as a prefix unless it
ends in \\b. Languages covered: en, es, fr, de, it, pt, ro, el, ru (the urgency lists), the
same plus a little ar/hi for sentiment. Lists are short on purpose: they carry reasons staff
can read, while the learned models carry the bulk of the judgement.

The rubric's keywords here are joined by everyday phrasings in nine languages
(classifier/rubric_words.py, issue 11), and `urgency_reasons` applies its guards: false-alarm
phrases blanked first, a negation just before a phrase, a how-to opening, a reason that a
stronger one explains. All of it is compiled once into first-letter-grouped patterns.
"""

from __future__ import annotations

import re
import unicodedata
from functools import cache, lru_cache

from classifier import rubric_words

_WORD_RE = re.compile(r"\w+", re.UNICODE)
_FOLD_MORE = str.maketrans({"ς": "σ", "\u2019": "'", "œ": "oe", "ß": "ss"})
_GREEK_RE = re.compile("[\u0370-\u03ff]")


@lru_cache(maxsize=1024)  # a text is folded for its cues, its rubric and its sarcasm check
def fold(text: str) -> str:
    """Lower-case, strip diacritics (ă->a, é->e, ά->α, ё->е); normalise final sigma, ’, œ, ß."""
    decomposed = unicodedata.normalize("NFD", text.lower())
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return stripped.translate(_FOLD_MORE)


SENTIMENT_WORDS: dict[str, tuple[str, ...]] = {
    "positive": (
        # en
        "love", "great", "awesome", "amazing", "excellent", "perfect", "best\\b", "good\\b",
        "nice\\b", "happy", "glad", "wonderful", "fantastic", "brilliant", "recommend", "enjoy",
        "cool\\b", "yay", "beautiful", "impressed", "helpful", "fast\\b", "smooth", "favorite",
        # es / pt / it / fr / de
        "genial", "excelente", "perfect", "buen", "bien\\b", "encanta", "feliz", "gracias",
        "maravill", "increible", "bom\\b", "boa\\b", "otimo", "adoro", "amei", "obrigad",
        "ottim", "bell", "grazie", "felice", "fantastic", "bravo", "super\\b", "genia",
        "merci", "magnifique", "heureu", "content", "formidable", "top\\b", "gut\\b", "toll",
        "danke", "klasse", "prima\\b", "wunderbar", "schon\\b", "freu", "liebe",
        # ro / el / ru
        "multumesc", "multumim", "minunat", "excelent", "bun\\b", "buna\\b", "frumos", "recomand",
        "fericit", "super", "ευχαριστ", "τελει", "υπεροχ", "καλο", "καλη", "τελεια", "αγαπ",
        "εξαιρετικ", "спасибо", "отличн", "прекрасн", "хорош", "супер", "люблю", "рад\\b",
        "класс", "благодар", "рекомендую",
        # ar / hi (romanised and native, a handful)
        "شكرا", "رائع", "جميل", "ممتاز", "احب", "धन्यवाद", "बढ़िया", "अच्छा", "shukriya", "accha",
    ),
    "negative": (
        # en
        "hate", "worst", "terrible", "awful", "horrible", "bad\\b", "poor\\b", "sucks", "suck\\b",
        "disappoint", "angry", "annoy", "frustrat", "useless", "ridiculous", "pathetic",
        "unacceptable", "rude", "broken", "fail", "delay", "late\\b", "cancel", "lost\\b",
        "never\\b", "waste", "disgust", "sad\\b", "scam", "shit", "fuck", "wtf", "stuck",
        # es / pt / it / fr / de
        "malo", "mala\\b", "peor", "horribl", "terribl", "odio", "asco", "verguenza",
        "decepcion", "triste", "pesim", "ruim", "pessim", "lixo", "raiva", "merda", "odeio",
        "schifo", "vergogna", "delus", "orribil", "peggio", "cazzo", "triste", "nul\\b",
        "nulle", "honte", "decu", "deception", "merde", "horreur", "naze", "schlecht",
        "scheiss", "mist\\b", "enttausch", "arger", "katastroph", "schrecklich", "nervig",
        # ro / el / ru
        "dezamagi", "groaznic", "oribil", "nasol", "rusine", "jalnic", "teapa", "prost",
        "suparat", "nemultumit", "bataie de joc", "απαραδεκτ", "απογοητευ", "χαλια", "αισχο",
        "ντροπη", "θυμωμεν", "κακο", "κακη", "ужасн", "отвратительн", "плох", "кошмар",
        "позор", "разочарова", "бесит", "хуже", "обман",
        # ar / hi
        "سيء", "سيئ", "اسوأ", "زفت", "खराब", "बेकार", "bakwas", "ghatiya",
    ),
    "negation": (
        "not\\b", "no\\b", "never\\b", "dont\\b", "don't", "doesn", "didn", "isn", "wasn", "can't",
        "cant\\b", "won't", "nothing", "nobody", "no\\b", "nunca", "nada", "ni\\b", "nao\\b",
        "non\\b", "mai\\b", "pas\\b", "jamais", "rien", "nicht", "kein", "nie\\b", "niemals",
        "nu\\b", "niciodata", "deloc", "δεν\\b", "μην\\b", "ποτε", "не\\b", "нет\\b", "никогда",
        "ни\\b", "لا\\b", "नहीं",
    ),
    "complaint": (
        "still\\b", "again\\b", "waiting", "refund", "broken", "doesn't work", "not working",
        "no response", "customer service", "help\\b", "issue", "problem", "fix\\b", "why\\b",
        "todavia", "sigue", "problema", "reclam", "ainda", "ancora", "toujours", "probleme",
        "immer noch", "problem", "beschwer", "inca\\b", "problema", "reclamati", "ακομα",
        "προβλημα", "παραπον", "до сих пор", "проблем", "жалоб",
    ),
    "thanks": (
        "thank", "thx", "gracias", "obrigad", "grazie", "merci", "danke", "multumesc",
        "ευχαριστ", "спасибо", "شكرا", "धन्यवाद",
    ),
    # Markers that are sarcastic whatever surrounds them: they turn praise into its opposite.
    "sarcasm": (
        "#sarcasm", "#sarcasmo", "#sarcasme", "#sarkasmus", "#ironia", "#ironie",
        "yeah right", "thanks for nothing", "thank you for nothing", "just what i needed",
        "gracias por nada", "merci pour rien", "danke fur nichts",
        "multumesc frumos pentru nimic", "multumesc pentru nimic", "/s\\b", "ну спасибо",
        "спасибо за ничего", "ευχαριστω πολυ για τιποτα", "ευχαριστω για τιποτα",
    ),
    # Often sarcastic, sometimes sincere ("so glad I switched"): a cue for the model only.
    "sarcasm_hint": (
        "thanks a lot", "just great", "oh great", "love how", "love waiting", "love it when",
        "so glad", "great job",
    ),
}

# code -> (English reason shown to staff, level, entries); rubric_words adds everyday phrasings
_KEYWORD_REASONS: dict[str, tuple[str, str, tuple[str, ...]]] = {
    "safety": ("safety risk", "critical", (
        "fire\\b", "caught fire", "on fire", "smoke", "explod", "injur", "hurt\\b", "burn",
        "poison", "allergic reaction", "anaphyla", "hospital",
        "ambulance", "chok", "electric shock",
        "electrocut", "gas leak", "unsafe", "dangerous", "overheat", "carbon monoxide", "bleeding",
        "incendio", "humo", "herid", "intoxica", "peligro", "alergi", "quemad", "fuga de gas",
        "incendie", "fumee", "blesse", "danger", "hopital", "brule", "fuite de gaz",
        "brand\\b", "feuer", "rauch", "verletz", "vergift", "gefahr", "gefahrlich", "krankenhaus",
        "fuoco", "fumo", "ferit", "pericol", "ospedale", "fuga di gas", "incendi",
        "fogo", "fumaca", "ferid", "perigo", "vazamento de gas",
        "incendiu", "foc\\b", "fum\\b", "ranit", "intoxic", "pericul", "spital", "ambulant",
        "scurgere de gaz", "electrocut", "s-a aprins", "explodat",
        "φωτια", "καπνο", "τραυματ", "δηλητηρ", "κινδυν", "επικινδυν", "νοσοκομει",
        "ασθενοφορ", "εκρηξ", "διαρροη αεριου", "καηκε",
        "пожар", "загорел", "дым", "ранен", "травм", "отравл", "опасн", "больниц", "скорая",
        "взорвал", "утечка газа", "ударило током",
    )),
    "account_security": ("account security", "critical", (
        "hacked", "hacker", "account (?:was )?(?:taken over|compromised|stolen)",
        "someone (?:is |has been )?using my (?:account|number|card)",
        "(?:phone|sim|number) (?:was |got )?stolen", "stole my (?:phone|sim|number)",
        "someone (?:logged|got) into my account",
        "password (?:was )?changed",
        "unauthori[sz]ed (?:login|access)", "locked me out of my", "2fa", "two-factor",
        "hackead", "hackearon", "me robaron la cuenta", "cuenta robada", "acceso no autorizado",
        "pirate", "compte pirate", "gehackt", "konto gehackt", "hackerat", "account violat",
        "conta invadida", "invadiram", "contul (?:meu )?a fost spart",
        "mi-au spart", "spart contul",
        "χακαρ", "παραβιασ", "взлом", "украли аккаунт", "угнали аккаунт",
    )),
    "fraud": ("fraud", "critical", (
        "fraud", "scam", "unauthori[sz]ed (?:charge|transaction|payment)", "stolen card",
        "phishing", "identity theft", "i did not make", "i didn't make",
        "fraude", "estafa", "cargo no autorizado", "suplantacion", "arnaque", "escroquerie",
        "betrug", "betruger", "frode", "truffa", "golpe\\b", "frauda", "inselatori", "teapa",
        "tranzactie neautorizata", "απατη", "απατεων", "мошенн", "развод\\b", "кража",
    )),
    "data_exposure": ("personal data exposed", "critical", (
        "data (?:leak|breach)", "leaked", "my personal (?:data|information|details)",
        "someone else'?s (?:order|account|data|details)", "gdpr", "exposed my",
        "filtracion", "datos personales", "fuite de donnees", "donnees personnelles", "rgpd",
        "datenleck", "datenschutz(?!behorde|beauftragt)", "personliche daten", "dsgvo",
        "dati personali", "fuga di dati",
        "vazamento de dados", "dados pessoais", "lgpd", "date personale", "datele mele",
        "scurgere de date", "προσωπικα δεδομενα", "διαρροη δεδομενων",
        "утечк", "персональные данные",
        "мои данные",
    )),
    "outage": ("service outage", "high", (
        "outage",
        "(?:is|are|was|were|went|goes|gone|been|completely|totally|still|network|service|"
        "signal|app|site|website|servers?) down\\b", "down (?:again|for (?:everyone|me|hours))",
        "no data\\b", "no calls\\b", "not working", "doesn'?t work", "isn'?t working",
        "stopped working",
        "won'?t (?:load|work|connect|open)", "can'?t (?:log ?in|login|sign in|access|connect)",
        "cannot (?:log ?in|login|access|connect)", "locked out", "error\\b", "crash", "no internet",
        "no signal", "no service", "no power", "offline",
        "no funciona", "caido", "ni llamadas", "caida", "sin servicio",
        "sin internet", "sin luz", "no puedo entrar",
        "no carga", "ne marche (?:pas|plus)", "ne fonctionne (?:pas|plus)", "plus de reseau",
        "en panne", "panne", "erreur",
        "impossible de me connecter", "plus de connexion", "funktioniert nicht", "geht nicht",
        "storung", "ausfall", "ausgefallen", "gesperrt", "fehler", "kein internet", "kein netz",
        "non funziona", "guasto",
        "disservizio", "errore", "non va\\b", "nao funciona", "fora do ar", "caiu\\b", "erro\\b",
        "sem internet", "sem sinal", "nu functioneaza", "nu merge", "pana\\b", "eroare",
        "cazut", "fara internet", "fara semnal", "fara retea", "nu pot intra", "nu ma pot conecta",
        "δεν λειτουργ", "δεν δουλευ", "βλαβη", "σφαλμα", "επεσε", "πεσει", "καμια συνδεση",
        "δεν εχω (?:καθολου )?(?:σημα|ιντερνετ|συνδεση)", "χωρισ σημα", "χωρισ ιντερνετ",
        "δεν μπορω να συνδεθ", "не работает", "не работают", "сбой", "ошибк", "упал", "лежит",
        "нет интернета", "нет связи", "не могу войти", "не грузится",
    )),
    "money_lost": ("money lost", "high", (
        "charged (?:me )?twice", "double charged", "charged double", "overcharg", "refund",
        "took my money", "lost my money", "money back", "charged (?:me )?for", "stole my money",
        "cobrado dos veces", "me cobraron", "reembolso", "devolucion", "devuelvan mi dinero",
        "debite deux fois", "rembours", "preleve", "doppelt abgebucht", "erstattung",
        "ruckerstattung", "abgebucht", "geld zuruck", "addebitat", "rimborso", "soldi indietro",
        "cobrado duas vezes", "estorno", "cobranca indevida", "dinheiro de volta",
        "taxat de doua ori", "retras de doua ori", "rambursa", "banii inapoi", "mi-au luat banii",
        "banii mei", "χρεωθηκα δυο φορεσ", "διπλη χρεωση", "επιστροφη χρηματων", "τα λεφτα μου",
        "списали дважды", "двойное списание", "возврат денег", "верните деньги", "списали деньги",
        "вернете деньги",
        "мои деньги",
    )),
    "time_bound": ("time-bound", "high", (
        "urgent", "asap", "right now", "immediately", "stranded", "missed my flight",
        "flight (?:is )?(?:today|tonight|in \\d)", "due today", "deadline", "boarding",
        "in \\d+ (?:hours?|hrs?|minutes?|mins?)", "leaving tomorrow", "my flight",
        "urgente", "cuanto antes", "varado", "vuelo (?:es )?(?:hoy|en \\d)", "vence hoy",
        "d'urgence", "tout de suite", "bloque a", "mon vol", "vol (?:est )?(?:aujourd'hui|ce soir)",
        "dringend", "sofort", "gestrandet", "mein flug", "flug (?:ist )?heute", "subito",
        "bloccat", "il mio volo", "volo (?:e )?oggi", "imediat", "blocat", "zborul meu",
        "zborul (?:este )?azi", "scadent azi", "azi expira", "επειγ", "αμεσωσ", "εγκλωβισ",
        "η πτηση μου", "срочно", "немедленно", "застрял", "мой рейс", "рейс сегодня",
    )),
    "cancel_threat": ("threat to cancel", "high", (
        "cancel(?:ling|ing)? my (?:subscription|account|contract|membership|order|service)",
        "switching to", "switch to", "close my account", "unsubscrib", "take my business elsewhere",
        "i'?m leaving", "leaving you", "never (?:again|buying|flying|using)",
        "cancelar mi", "darme de baja", "me doy de baja", "me cambio a", "resilier",
        "je resilie", "me desabonner", "changer d'operateur", "kundig", "ich wechsle",
        "disdett", "disdire", "cambio operatore", "cancelar (?:minha|o meu|meu)", "vou trocar",
        "reziliez", "rezilier", "plec la alt", "trec la alt", "anulez abonamentul",
        "schimb furnizorul", "ma mut la",
        "ακυρωνω", "διακοπη συνδρομησ", "αλλαζω εταιρεια", "φευγω απο",
        "расторгн", "отключусь", "перейду к", "уйду к", "отпишусь", "откажусь от",
    )),
    "legal_threat": ("legal threat", "high", (
        "lawyer", "attorney", "sue\\b", "suing", "lawsuit", "legal action", "court\\b",
        "small claims", "ombudsman", "consumer protection", "trading standards", "bbb\\b",
        "abogado", "demanda", "denunci", "tribunal", "avocat", "plainte", "proces\\b",
        "anwalt", "klage", "verklag", "gericht", "verbraucherzentrale", "avvocat", "querela",
        "advogad", "processar", "procon", "dau in judecata", "instanta", "anpc",
        "protectia consumatorului", "δικηγορ", "μηνυσ", "δικαστηρι", "αγωγη", "юрист",
        "адвокат", "в суд", "прокуратур", "роспотребнадзор", "претензи",
    )),
    "repeat_contact": ("repeated contact", "high", (
        "(?:second|third|fourth|fifth|\\d+(?:st|nd|rd|th)) time", "\\d+ times",
        "still no (?:reply|answer|response)", "no (?:reply|answer|response) from you",
        "no one (?:answers|replies|responds)", "nobody (?:answers|replies|responds)",
        "still waiting for (?:a )?(?:reply|answer|response)", "ignoring me", "no reply",
        "por (?:tercera|segunda) vez", "nadie responde", "sin respuesta", "personne ne repond",
        "toujours pas de reponse", "niemand antwortet", "keine antwort", "nessuno risponde",
        "ninguem responde", "nimeni nu raspunde", "nimeni nu ma ajuta", "de trei ori",
        "niciun raspuns", "a treia oara",
        "κανεισ δεν απαντα", "καμια απαντηση", "никто не отвечает", "нет ответа", "третий раз",
    )),
}

URGENCY_REASONS: dict[str, tuple[str, str, tuple[str, ...]]] = {
    code: (reason, level, entries + rubric_words.more(code))
    for code, (reason, level, entries) in _KEYWORD_REASONS.items()
}

QUESTION_WORDS = (
    "how\\b", "when\\b", "where\\b", "why\\b", "can you", "could you", "is there", "do you",
    "como\\b", "cuando", "donde", "por que", "comment\\b", "quand", "pourquoi", "wie\\b",
    "wann", "warum", "come\\b", "quando", "perche", "cum\\b", "cand\\b", "de ce", "πωσ",
    "ποτε", "γιατι", "как\\b", "когда", "почему", "где\\b",
)


def _compile(entries: tuple[str, ...]) -> re.Pattern[str]:
    return re.compile("(?<!\\w)(?:" + "|".join(fold(e) for e in entries) + ")")


@lru_cache(maxsize=1)
def _sentiment_patterns() -> dict[str, re.Pattern[str]]:
    return {name: _compile(entries) for name, entries in SENTIMENT_WORDS.items()}


_BRACKETS_RE = re.compile(r"\\.|[()\[\]|]", re.DOTALL)


def _scan(entry: str) -> list[tuple[int, str, int]]:
    """(index, character, bracket depth before it) for the unescaped brackets and bars of a
    pattern (a regex walks to them: a Python loop over every character cost ~0.1 s at load)."""
    out, depth = [], 0
    for match in _BRACKETS_RE.finditer(entry):
        ch = match.group()
        if ch[0] == "\\":
            continue
        if ch in ")]":
            depth -= 1
        out.append((match.start(), ch, depth))
        if ch in "([":
            depth += 1
    return out


def _top_level_bar(entry: str) -> bool:
    return "|" in entry and any(ch == "|" and depth == 0 for _, ch, depth in _scan(entry))


def _expand(entry: str, limit: int = 16) -> list[str]:
    """Entries without a leading group: "(?:my )?(?:pin|sim) x" -> "my pin x", "pin x", ...

    So that (nearly) every entry starts with a literal letter and joins a first-letter group.
    An entry that would expand to more than `limit` entries, or starts otherwise, stays whole.
    """
    if not entry.startswith("(?:"):
        return [entry]
    chars = _scan(entry)
    close = next((i for i, ch, depth in chars if ch == ")" and depth == 0), None)
    if close is None:
        return [entry]
    inner, tail = entry[3:close], entry[close + 1:]
    bars = [i - 3 for i, ch, depth in chars if ch == "|" and depth == 1 and 3 <= i < close]
    edges = [-1, *bars, len(inner)]
    options = [inner[a + 1:b] for a, b in zip(edges, edges[1:], strict=False)]
    if tail[:1] == "?":
        options, tail = [*options, ""], tail[1:]
    elif tail[:1] in ("*", "+", "{"):
        return [entry]
    out = [e for option in options for e in _expand(option + tail, limit)]
    return out if len(out) <= limit else [entry]


def _split_first_letter(entries: tuple[str, ...], expanded: bool = False
                        ) -> tuple[dict[str, list[str]], list[str]]:
    """Folded entries grouped by a literal first letter (the tails), and the others.
    `expanded`: the entries are already folded and expanded (`_rubric_index`)."""
    groups: dict[str, list[str]] = {}
    rest: list[str] = []
    for entry in (entries if expanded else
                  dict.fromkeys(x for e in entries for x in _expand(fold(e)))):
        if len(entry) > 1 and entry[0].isalnum() and entry[1] not in "?*+{" \
                and not _top_level_bar(entry):
            groups.setdefault(entry[0], []).append(entry[1:])
        else:
            rest.append(entry)
    return groups, rest


def _compile_grouped(entries: tuple[str, ...], expanded: bool = False) -> re.Pattern[str]:
    """Like `_compile`, with the entries grouped by their first letter (see `_finder`)."""
    groups, rest = _split_first_letter(entries, expanded)
    parts = [re.escape(ch) + "(?:" + "|".join(tails) + ")" for ch, tails in groups.items()]
    return re.compile("(?<!\\w)(?:" + "|".join(parts + [_first_letters(e) for e in rest]) + ")")


def _first_letters(entry: str) -> str:
    """An entry that opens with a long alternation ("(?:flight|train|...) ... cancelled"),
    behind a look-ahead for the letters its options start with, so that the engine tries it
    only where one of them stands (not at every word: ~25 us a text)."""
    firsts = _opening_letters(entry)
    return entry if firsts is None else "(?=[" + "".join(sorted(firsts)) + "])" + entry


def _opening_letters(entry: str) -> set[str] | None:
    """The letters every match of an entry opening with a group starts with, or None."""
    if not entry.startswith("(?:"):
        return {entry[0]} if entry[:1].isalnum() and entry[1:2] not in ("?", "*", "{") \
            else None
    chars = _scan(entry)
    close = next((i for i, ch, depth in chars if ch == ")" and depth == 0), None)
    if close is None or entry[close + 1:close + 2] in ("?", "*", "{"):
        return None
    bars = [i for i, ch, depth in chars if ch == "|" and depth == 1 and i < close]
    firsts: set[str] = set()
    for start in [2, *bars]:
        option = _opening_letters(entry[start + 1:close])
        if option is None:
            return None
        firsts |= option
    return firsts


_PREFIX_LEN = 3
_SPECIAL = frozenset("\\()[]?*+{|.^$")


def _literal_prefix(entry: str) -> str:
    """The first (up to _PREFIX_LEN) characters every match of a folded entry starts with;
    "" when it starts with something else (a class, a group, an alternation at the top)."""
    if _top_level_bar(entry):
        return ""
    out: list[str] = []
    for i, ch in enumerate(entry[:_PREFIX_LEN]):
        if ch in _SPECIAL or entry[i + 1:i + 2] in ("?", "*", "+", "{"):
            break
        out.append(ch)
    return "".join(out)


Entries = tuple[tuple[str, str], ...]  # (reason code, its folded entries joined by "|")


_SCRIPTS = {"el": re.compile("[\u0370-\u03ff]"), "ru": re.compile("[\u0400-\u04ff]")}


def _script(entry: str) -> str:
    """"el" or "ru" for an entry that starts with a Greek or Cyrillic letter, else "latin"."""
    return next((script for script, letters in _SCRIPTS.items() if letters.match(entry)),
                "latin")


@lru_cache(maxsize=1)
def _rubric_index() -> tuple[dict[str, tuple[str, ...]], dict[str, Entries], Entries]:
    """The folded entries by the script they start in (for `_finder`), and which reasons'
    entries may start at a place, by literal prefix (plus the few entries without one).

    Which reasons matched where a finder stopped is asked of each reason's entries with the
    prefix found there, compiled on first use (`_entries_pattern`): compiling every reason's
    own alternation at load doubled the ~0.25 s the finders take. The reasons found are those
    of one pattern per entry (tests/unit/test_classifier_rubric_index.py).
    """
    by_prefix: dict[str, dict[str, list[str]]] = {}
    by_script: dict[str, list[str]] = {"latin": [], **{script: [] for script in _SCRIPTS}}
    for code, (_, _, entries) in URGENCY_REASONS.items():
        for entry in dict.fromkeys(x for e in entries for x in _expand(fold(e))):
            by_prefix.setdefault(_literal_prefix(entry), {}).setdefault(code, []).append(entry)
            by_script[_script(entry)].append(entry)
    index = {prefix: tuple((code, "|".join(group)) for code, group in codes.items())
             for prefix, codes in by_prefix.items()}
    return ({script: tuple(dict.fromkeys(entries)) for script, entries in by_script.items()},
            index, index.pop("", ()))


@lru_cache(maxsize=len(_SCRIPTS) + 1)
def _finder(script: str) -> re.Pattern[str]:
    """Where a rubric phrase of one script starts: its entries in one pattern.

    Grouped by first letter, so that at a word start the engine tries one group rather than
    ~2,000 entries: ~50 us a tweet instead of ~270 us for ten flat alternations (named groups
    per reason were slower still: captures cost on every branch). Compiled on the first text
    that has a letter of the script, so a deployment that never sees Greek or Russian never
    pays for their entries (about a third).
    """
    return _compile_grouped(_rubric_index()[0][script], expanded=True)


@cache  # bounded by the (prefix, reason) pairs; most are never asked
def _entries_pattern(entries: str) -> re.Pattern[str]:
    return re.compile("(?<!\\w)(?:" + entries + ")")


def _starting_at(folded: str, at: int) -> set[str]:
    """The reason codes with an entry that matches at `at`."""
    _, by_prefix, anywhere = _rubric_index()
    found: set[str] = set()
    for n in range(_PREFIX_LEN, 0, -1):
        for code, entries in by_prefix.get(folded[at:at + n], ()):
            if code not in found and _entries_pattern(entries).match(folded, at):
                found.add(code)
    for code, entries in anywhere:
        if code not in found and _entries_pattern(entries).match(folded, at):
            found.add(code)
    return found


@lru_cache(maxsize=1)
def _question_pattern() -> re.Pattern[str]:
    return _compile(QUESTION_WORDS)


@lru_cache(maxsize=65536)  # words repeat across mentions: one dict lookup instead of 3 regexes
def _word_kind(word: str) -> str | None:
    """"negation", "positive", "negative" or None for one folded word (first list wins)."""
    pats = _sentiment_patterns()
    for kind in ("negation", "positive", "negative"):
        if pats[kind].match(word):
            return kind
    return None


def sentiment_counts(folded: str) -> dict[str, float]:
    """Counts of lexicon hits; a positive word right after a negation counts as negative."""
    pats = _sentiment_patterns()
    counts = {name: 0.0 for name in ("positive", "negative", "negation", "complaint", "thanks")}
    negated_until = -1
    for i, match in enumerate(_WORD_RE.finditer(folded)):
        kind = _word_kind(match.group())
        if kind == "negation":
            counts["negation"] += 1
            negated_until = i + 3
        elif kind == "positive":
            counts["negative" if i <= negated_until else "positive"] += 1
        elif kind == "negative":
            counts["negative"] += 1
    counts["complaint"] = float(len(pats["complaint"].findall(folded)))
    counts["thanks"] = float(len(pats["thanks"].findall(folded)))
    return counts


# "no hotel", "niciun hotel", "ξενοδοχειο τιποτα": words of absence the sentiment lexicon's
# negations (model features, so left as trained) do not hold
_NONE_RE = re.compile("(?<!\\w)(?:niciun|nicio|nimic|τιποτα|κανεν|καμια|ningun|aucun|nessun|"
                      "nenhum|none\\b|keine)")
_CLOSING_RE = re.compile(r"[.!?\u2026]\s+(\w+(?:\s+\w+)?)\W*$")


def closing_praise(folded: str) -> bool:
    """The post ends on a lone word or two of praise after text with none, but a negative
    word or a negation ("... no hotel, the desk shut at 11. Brilliant."): said of a reported
    problem, that is sarcasm ("boarded on time. Good job!" is not)."""
    match = _CLOSING_RE.search(folded)
    if match is None or not any(_word_kind(w) == "positive" for w in match.group(1).split()):
        return False
    head = folded[:match.start()]
    before = sentiment_counts(head)
    return before["positive"] == before["thanks"] == 0 and bool(
        before["negative"] or before["negation"] or _NONE_RE.search(head))


def has_sarcasm(folded: str, hints: bool = True) -> bool:
    """True when the text carries a sarcasm marker (#sarcasm, "yeah right", ...).

    With `hints=False` only the unambiguous markers count, not "oh great" and kin.
    """
    pats = _sentiment_patterns()
    return bool(pats["sarcasm"].search(folded) or (hints and pats["sarcasm_hint"].search(folded)))


def is_question(text: str, folded: str) -> bool:
    """A question mark or a leading question word in any covered language."""
    if "?" in text or "¿" in text or "\u037e" in text:
        return True
    if ";" in text and _GREEK_RE.search(text):  # the Greek question mark is a semicolon
        return True
    return bool(_question_pattern().match(folded.lstrip("@ ")))


@lru_cache(maxsize=1)
def _rubric_guards() -> tuple[re.Pattern[str], re.Pattern[str], re.Pattern[str]]:
    """The false-alarm phrases (blanked), the how-to openings and the litotes, compiled once."""
    opening = "|".join(fold(e) for e in rubric_words.OPENING)
    how_to = (f"^\\W*(?:(?:{opening})(?!\\w)[\\W_]*)*(?:"
              + "|".join(fold(e) for e in rubric_words.HOW_TO) + ")")
    return (_compile_grouped(rubric_words.FALSE_ALARMS), re.compile(how_to),
            _compile_grouped(rubric_words.LITOTES))


@lru_cache(maxsize=1)
def _story_patterns() -> dict[str, re.Pattern[str]]:
    return {code: _compile_grouped(rubric_words.more(code)) for code in rubric_words.STORY_ONLY}


def reported_problems(folded: str) -> tuple[str, ...]:
    """The rubric's reasons, less those found only by an urgency keyword ("urgent", "asap",
    "my flight"): for those a story must say what went wrong (a cancelled flight, a technician
    who never came) before the post counts as reporting a problem."""
    codes = urgency_reasons(folded)
    if not rubric_words.STORY_ONLY & set(codes):
        return codes
    masked = _rubric_guards()[0].sub(" ", folded)
    stories = _story_patterns()
    return tuple(c for c in codes if c not in stories or stories[c].search(masked))


def is_how_to(folded: str) -> bool:
    """The post opens (after greetings and handles) with a how-to question."""
    return bool(_rubric_guards()[1].match(folded))


def is_benign(folded: str) -> bool:
    """A how-to question, or praise put as negated criticism ("not the worst, far from it"),
    or praise of speed, with no other negative word (nor, for a question, a negation or a
    complaint word such as "still", "issue", "refund"): no complaint by itself."""
    false_alarms, _, litotes = _rubric_guards()
    praise = bool(litotes.search(folded) or false_alarms.search(folded))
    if not praise and not is_how_to(folded):
        return False
    counts = sentiment_counts(litotes.sub(" ", false_alarms.sub(" ", folded)))
    # a question that also says "not", "still" or "issue" is usually a problem put politely
    return counts["negative"] == 0 and (praise or counts["negation"] == counts["complaint"] == 0)


def _negated_before(folded: str, start: int) -> bool:
    """A negation among the two words before `start` ("not a scam", "won't cancel"), in the
    same clause ("if it's not fixed by Friday, I switch" is a threat)."""
    head = folded[max(0, start - 40):start]
    head = head[max(head.rfind(mark) for mark in ",.;:!?") + 1:]
    words = _WORD_RE.findall(head)[-2:]
    if any(_word_kind(w) == "negation" for w in words):
        return True
    return "n't" in folded[max(0, start - 12):start]


def phrases_found(folded: str) -> set[str]:
    """The reason codes with a phrase somewhere in `folded` that no negation just precedes
    (for the codes in rubric_words.NEGATABLE); no other guard applied."""
    found: set[str] = set()
    scripts = ["latin", *(script for script, letters in _SCRIPTS.items()
                          if letters.search(folded))]
    for script in scripts:
        finder, pos = _finder(script), 0
        while (match := finder.search(folded, pos)) is not None:
            at = match.start()
            for code in _starting_at(folded, at) - found:
                if code not in rubric_words.NEGATABLE or not _negated_before(folded, at):
                    found.add(code)
            pos = at + 1  # the next phrase may start inside this one
    return found


@lru_cache(maxsize=1024)  # the rubric may run twice on a text (see model._labels)
def urgency_reasons(folded: str) -> tuple[str, ...]:
    """The reason codes whose word lists hit the folded text, in the rubric's order.

    False-alarm phrases are blanked first; a negation just before a phrase cancels the
    reasons in rubric_words.NEGATABLE; a how-to question threatens nothing; a reason that a
    stronger one explains (an outage beside an account takeover) is dropped.
    """
    false_alarms, how_to, _ = _rubric_guards()
    folded = false_alarms.sub(" ", folded)
    found = phrases_found(folded)
    codes = [code for code in URGENCY_REASONS if code in found]
    if how_to.match(folded):
        codes = [c for c in codes if c not in rubric_words.NOT_AFTER_HOW_TO]
    return tuple(c for c in codes
                 if not rubric_words.SUPERSEDED_BY.get(c, frozenset()) & set(codes))
