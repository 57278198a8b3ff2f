"""The same complaint in English, Greek, Romanian, Portuguese and Russian gets the same labels.

Issue 11: the default (fast) mode must see a complaint in Greek as well as in English. These
are the team's own examples (not from the parallel set in bench/parity/ nor from any dataset),
at least three per category and language, told in everyday words rather than the rubric's
keywords, and the false alarms that must stay quiet.
"""

from __future__ import annotations

from functools import lru_cache

import pytest

from classifier import TextInput, lexicons, load_model

CRITICAL, HIGH = ("critical",), ("high", "critical")


@lru_cache(maxsize=1)
def model():
    return load_model(["en", "es", "fr", "de", "it", "pt", "ro", "el", "ru"])


def label(text: str, lang: str):
    return model().predict([TextInput(text, lang=lang)])[0]


# (language, text, reason code the rubric must give)
PROBLEMS = [
    # safety and health without the keywords -> critical
    ("en", "Since your engineer fitted the new hob the whole flat smells of gas", "safety"),
    ("en", "Ate your chicken wrap at lunch and I've been throwing up all afternoon", "safety"),
    ("en", "My mum's insulin was in the parcel you lost and she has one pen left", "safety"),
    ("en", "We've been stuck in the lift at your store for forty minutes", "safety"),
    ("el", "Από τότε που ήρθε ο τεχνικός σας μυρίζει γκάζι σε όλο το σπίτι", "safety"),
    ("el", "Φάγαμε τη σαλάτα σας χθες και αρρωστήσαμε όλοι, εμετοί όλη νύχτα", "safety"),
    ("el", "Ο φορτιστής βγάζει καπνό και ζεσταίνεται πάρα πολύ, δεν τον αγγίζω", "safety"),
    ("ro", "De când a plecat instalatorul vostru miroase a gaz în toată casa", "safety"),
    ("ro", "Am mâncat sandvișul vostru și ne-am îmbolnăvit toți, am vomitat", "safety"),
    ("ro", "Coletul cu medicamentele mamei s-a pierdut, iar ea nu mai are pastile", "safety"),
    ("pt", "Desde que o técnico saiu a cozinha está com cheiro de gás", "safety"),
    ("pt", "Comi a vossa sopa ao almoço e passei mal a tarde toda, vomitei duas vezes", "safety"),
    ("pt", "Estamos presos no elevador do vosso centro comercial há meia hora", "safety"),
    ("ru", "После визита вашего мастера на кухне пахнет газом", "safety"),
    ("ru", "Поели вашу шаурму и всей семьёй отравились, рвота всю ночь", "safety"),
    ("ru", "Мы застряли в лифте вашего торгового центра уже полчаса", "safety"),
    # fraud and account takeover -> critical, never "service outage"
    ("en", "Someone changed my e-mail and phone number and now I can't log in", "account_security"),
    ("en", "There's a loan in my name that I never applied for", "fraud"),
    ("en", "£300 went missing from my account overnight, card is still in my wallet", "fraud"),
    ("el", "Κάποιος άλλαξε τον κωδικό μου και δεν μπορώ να μπω στην εφαρμογή", "account_security"),
    ("el", "Εξαφανίστηκαν 400 € από τον λογαριασμό μου, η κάρτα είναι μαζί μου", "fraud"),
    ("el", "Μου ήρθε δάνειο που δεν ζήτησα ποτέ, στο όνομά μου", "fraud"),
    ("ro", "Cineva mi-a schimbat parola și emailul, nu mai pot intra în cont", "account_security"),
    ("ro", "Au dispărut 500 de lei din contul meu, cardul e la mine în portofel", "fraud"),
    ("ro", "Am primit un credit pe numele meu pe care nu l-am cerut niciodată", "fraud"),
    ("pt", "Alguém mudou a minha senha e o meu e-mail, não consigo entrar", "account_security"),
    ("pt", "Sumiram 300 € da minha conta esta noite e o cartão está comigo", "fraud"),
    ("pt", "Apareceu um empréstimo no meu nome que eu nunca pedi", "fraud"),
    ("ru", "Кто-то сменил пароль и почту в моём аккаунте, я не могу зайти", "account_security"),
    ("ru", "С моего счёта пропали 20 000 рублей, карта при мне", "fraud"),
    ("ru", "На меня оформили кредит, я никогда не брала кредитов", "fraud"),
    # threats to leave or to go to the regulator -> high, a complaint without a negative word
    ("en", "I've filed a complaint with the consumer authority about this bill", "legal_threat"),
    ("en", "This is my last month with you, I've already asked for my PAC code", "cancel_threat"),
    ("en", "Please send me the cancellation form, I'm moving to another operator", "cancel_threat"),
    ("el", "Θα κάνω καταγγελία στον Συνήγορο του Καταναλωτή για τη χρέωση", "legal_threat"),
    ("el", "Αυτός είναι ο τελευταίος μου μήνας μαζί σας, αλλάζω πάροχο", "cancel_threat"),
    ("el", "Στείλτε μου τη φόρμα διακοπής, κάνω φορητότητα σε άλλο πάροχο", "cancel_threat"),
    ("ro", "Am depus o plângere la ANPC pentru factura asta", "legal_threat"),
    ("ro", "Aceasta este ultima lună cu voi, îmi port numărul la alt operator", "cancel_threat"),
    ("ro", "Vă rog trimiteți-mi formularul de reziliere", "cancel_threat"),
    ("pt", "Já fiz queixa no livro de reclamações e na DECO", "legal_threat"),
    ("pt", "Este é o meu último mês com vocês, vou pedir a portabilidade", "cancel_threat"),
    ("pt", "Mandem-me o formulário de cancelamento, vou mudar de operadora", "cancel_threat"),
    ("ru", "Я подал жалобу в Роспотребнадзор по поводу этого счёта", "legal_threat"),
    ("ru", "Это мой последний месяц с вами, перехожу к другому оператору", "cancel_threat"),
    ("ru", "Пришлите заявление на расторжение договора", "cancel_threat"),
    # outages without an outage word -> high
    ("en", "Nothing works since this morning, can't make calls or get online", "outage"),
    ("en", "Zero bars at home for two days and the wifi keeps dropping", "outage"),
    ("en", "Card payments keep failing at every shop today", "outage"),
    ("el", "Από το πρωί τίποτα δεν λειτουργεί, ούτε κλήσεις ούτε ίντερνετ", "outage"),
    ("el", "Δεν έχω καθόλου σήμα στο σπίτι εδώ και δύο μέρες", "outage"),
    ("el", "Η σύνδεση κόβεται συνέχεια από χθες", "outage"),
    ("ro", "De azi-dimineață nu am deloc semnal în cartier", "outage"),
    ("ro", "Nu mă pot loga în aplicație de două zile", "outage"),
    ("ro", "Internetul pică mereu de ieri seară", "outage"),
    ("pt", "Desde manhã nada funciona, nem chamadas nem internet", "outage"),
    ("pt", "Estou sem rede em casa há dois dias", "outage"),
    ("pt", "Não consigo entrar na aplicação desde ontem", "outage"),
    ("ru", "С утра ничего не работает, ни звонки, ни интернет", "outage"),
    ("ru", "Второй день нет сети дома", "outage"),
    ("ru", "Оплата не проходит ни в одном магазине", "outage"),
    # double charges and deadlines -> high
    ("en", "You took the direct debit out twice this month", "money_lost"),
    ("en", "The engineer was supposed to come on Friday and nobody came", "time_bound"),
    ("en", "My order for Saturday still hasn't even been shipped", "time_bound"),
    ("el", "Με χρεώσατε δύο φορές για τον ίδιο λογαριασμό", "money_lost"),
    ("el", "Ο τεχνικός δεν ήρθε ποτέ, τον περιμέναμε όλη μέρα", "time_bound"),
    ("el", "Η παραγγελία για το Σάββατο ακόμα δεν έχει σταλεί", "time_bound"),
    ("ro", "Mi-ați luat banii de două ori pentru aceeași factură", "money_lost"),
    ("ro", "Trebuia să vină tehnicianul vineri și n-a venit nimeni", "time_bound"),
    ("ro", "Comanda pentru sâmbătă încă nu a fost expediată", "time_bound"),
    ("pt", "Cobraram-me duas vezes a mesma fatura", "money_lost"),
    ("pt", "O técnico devia vir na sexta e ninguém apareceu", "time_bound"),
    ("pt", "A encomenda para sábado ainda não foi enviada", "time_bound"),
    ("ru", "С меня дважды списали за один и тот же месяц", "money_lost"),
    ("ru", "Мастер должен был прийти в пятницу, никто не пришёл", "time_bound"),
    ("ru", "Заказ к субботе до сих пор не отправили", "time_bound"),
    # travellers stranded -> high
    ("en", "Our flight was cancelled and we're stuck at the airport with no hotel", "time_bound"),
    ("en", "Missed my connection because of your delay and nobody will rebook me", "time_bound"),
    ("en", "You cancelled the last train home and left us at the station", "time_bound"),
    ("el", "Ακυρώθηκε η πτήση μας και είμαστε κολλημένοι στο αεροδρόμιο", "time_bound"),
    ("el", "Έχασα την ανταπόκριση λόγω της καθυστέρησης σας", "time_bound"),
    ("el", "Ακυρώσατε την πτήση της επιστροφής και κανείς δεν μας βοηθά", "time_bound"),
    ("ro", "Zborul nostru a fost anulat și suntem blocați în aeroport", "time_bound"),
    ("ro", "Am pierdut legătura din cauza întârzierii voastre", "time_bound"),
    ("ro", "Ați anulat ultimul zbor și nu avem niciun hotel", "time_bound"),
    ("pt", "O nosso voo foi cancelado e estamos presos no aeroporto", "time_bound"),
    ("pt", "Perdi a conexão por causa do vosso atraso", "time_bound"),
    ("pt", "Cancelaram o último voo e nada de hotel", "time_bound"),
    ("ru", "Наш рейс отменили, мы застряли в аэропорту", "time_bound"),
    ("ru", "Из-за вашей задержки я пропустил пересадку", "time_bound"),
    ("ru", "Вы отменили последний рейс, гостиницы нет", "time_bound"),
]


@pytest.mark.parametrize("lang, text, code", PROBLEMS)
def test_a_reported_problem_is_a_complaint_with_its_reason(lang, text, code):
    got = label(text, lang)
    level = lexicons.URGENCY_REASONS[code][1]
    assert code in got.reason_codes, (got.reason_codes, text)
    assert got.urgency in (CRITICAL if level == "critical" else HIGH)
    assert got.complaint, f"{text}: reason {code} but complaint_score {got.complaint_score:.2f}"


TAKEOVERS = [
    ("en", "Someone changed my password and now I can't log in"),
    ("el", "Κάποιος άλλαξε τον κωδικό μου και δεν μπορώ να συνδεθώ"),
    ("ro", "Cineva mi-a schimbat parola și nu mă pot loga"),
    ("pt", "Alguém mudou a minha senha e não consigo entrar"),
    ("ru", "Кто-то сменил мой пароль, и я не могу войти"),
]


@pytest.mark.parametrize("lang, text", TAKEOVERS)
def test_a_changed_password_is_account_security_never_an_outage(lang, text):
    got = label(text, lang)
    assert "account_security" in got.reason_codes and "outage" not in got.reason_codes
    assert got.urgency == "critical" and got.complaint


def test_a_post_citing_the_consumer_authority_is_a_complaint():
    got = label("For your information, I have reported this bill to the consumer authority.", "en")
    assert "legal_threat" in got.reason_codes and got.complaint


# (language, text): no complaint, and never high or critical
FALSE_ALARMS = [
    ("en", "Not bad at all, the new app is really quick"),
    ("en", "Can't complain, the technician was on time and tidy"),
    ("en", "How do I change the PIN on my new card?"),
    ("en", "Fixed in ten minutes on the phone, thank you!"),
    ("el", "Καθόλου κακό το νέο app, πολύ γρήγορο"),
    ("el", "Πώς αλλάζω το PIN στη νέα μου κάρτα;"),
    ("el", "Λύθηκε σε δέκα λεπτά στο τηλέφωνο, ευχαριστώ πολύ!"),
    ("ro", "Nu e rău deloc noua aplicație, chiar e rapidă"),
    ("ro", "Cum schimb PIN-ul la cardul nou?"),
    ("ro", "Rezolvat în zece minute la telefon, mulțumesc!"),
    ("pt", "Não posso reclamar, o técnico chegou a horas e foi simpático"),
    ("pt", "Como altero o PIN do cartão novo?"),
    ("pt", "Resolvido em dez minutos ao telefone, obrigado!"),
    ("ru", "Неплохо, новое приложение правда быстрое"),
    ("ru", "Как поменять PIN на новой карте?"),
    ("ru", "Решили за десять минут по телефону, спасибо!"),
]


@pytest.mark.parametrize("lang, text", FALSE_ALARMS)
def test_litotes_how_to_and_praise_of_speed_stay_quiet(lang, text):
    got = label(text, lang)
    assert not got.complaint, f"{text}: complaint_score {got.complaint_score:.2f}"
    assert got.urgency in ("low", "normal"), (got.urgency, got.reason_codes)


@pytest.mark.parametrize("text", [
    "This is not a scam, just a question about my statement",
    "I won't cancel, just want to know the new price",
    "Thanks for the quick reply, no need for a lawyer after all",
])
def test_a_negated_reason_is_no_reason(text):
    assert label(text, "en").urgency in ("low", "normal")


def test_a_how_to_question_about_cancelling_is_no_threat():
    assert "cancel_threat" not in label("How do I cancel my subscription?", "en").reason_codes
    assert "cancel_threat" not in label("Hi @lumen, how can I port my number?", "en").reason_codes
