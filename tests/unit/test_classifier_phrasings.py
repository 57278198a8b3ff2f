"""Everyday phrasings of the issue's categories in nine languages get the complaint and the
urgency of their English twin, and the reasons agree with the complaint decision.

The team's own sentences (issue 11), written in rounds for tuning the rubric's third pass
(rubric_words.GENERAL): none is from the parallel set in bench/parity/ or from any dataset. Each
round was first run against the rubric as it stood, then fixed with patterns meant for the whole
category, not the sentence (round 1: 86 of 127 right before its fix; round 2: 34 of 59; round
3: 25 of 36; round 4: 34 of 44; round 5: 30 of 44; round 6 is the held-out check in
bench/parity/phrasings_round6.jsonl; round 7: 19 of 36; round 8: 20 of 38). "quiet" means
low or normal and no complaint.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import pytest

from classifier import TextInput, load_model, parity
from classifier.model import PROBLEM_CODES

ROOT = Path(__file__).resolve().parents[2]


@lru_cache(maxsize=1)
def model():
    return load_model(list(parity.LANGUAGES))


# (language, expected urgency, text); every non-quiet text is a complaint
ROUND_1 = [
    ('en', 'critical', 'The baby formula you delivered had lumps and a sour smell, she was sick '
                       'twice tonight'),
    ('en', 'critical', "Your heater's plug turned black and the wall behind it is warm"),
    ('es', 'critical', 'Mi hijo se comió el yogur que compramos ayer y lleva toda la noche con '
                       'fiebre y vómitos'),
    ('es', 'critical', 'Desde que cambiaron el contador huele raro en la cocina, como a huevo '
                       'podrido'),
    ('fr', 'critical', 'Le lait acheté hier avait tourné, mon fils a passé la nuit aux urgences'),
    ('fr', 'critical', "Le chargeur que vous m'avez envoyé a fondu dans la prise cette nuit"),
    ('de', 'critical', 'Nach eurem Hähnchensalat lag meine Frau die ganze Nacht mit '
                       'Bauchkrämpfen im Bett'),
    ('de', 'critical', 'Das Ladegerät ist in der Steckdose geschmolzen, überall schwarze Spuren'),
    ('it', 'critical', 'Dopo aver mangiato il vostro tiramisù siamo stati male tutta la notte, '
                       'vomito e febbre'),
    ('it', 'critical', 'Il caricabatterie si è sciolto nella presa stanotte'),
    ('pt', 'critical', 'Comi a vossa sopa ontem e passei a noite a vomitar, a minha filha também'),
    ('pt', 'critical', 'O carregador derreteu na tomada esta noite, ficou tudo preto'),
    ('ro', 'critical', 'Copilul a băut laptele cumpărat ieri de la voi și are febră și vomită '
                       'toată noaptea'),
    ('ro', 'critical', 'Încărcătorul s-a topit în priză azi-noapte'),
    ('el', 'critical', 'Το παιδί ήπιε το γάλα που αγοράσαμε χθες και κάνει εμετό όλη νύχτα'),
    ('el', 'critical', 'Ο φορτιστής λιώσε μέσα στην πρίζα απόψε'),
    ('ru', 'critical', 'Ребёнок выпил ваш сок и всю ночь его рвёт, температура 39'),
    ('ru', 'critical', 'Зарядка расплавилась прямо в розетке ночью'),
    ('en', 'critical', 'Someone moved £800 out of my savings overnight and I never approved it'),
    ('en', 'critical', "My account's email and phone number were switched to ones I don't "
                       'recognise'),
    ('es', 'critical', 'Alguien ha sacado 600 euros de mi cuenta esta madrugada y yo no he sido'),
    ('es', 'critical', 'Me han cambiado el correo y el teléfono de la cuenta sin que yo hiciera '
                       'nada'),
    ('fr', 'critical', "Quelqu'un a vidé mon compte cette nuit, 900 € partis et ce n'est pas moi"),
    ('fr', 'critical', "Mon adresse mail et mon numéro ont été changés sur mon compte, je n'ai "
                       'rien fait'),
    ('de', 'critical', 'Heute Nacht hat jemand 700 € von meinem Konto überwiesen, das war nicht '
                       'ich'),
    ('de', 'critical', 'Jemand hat meine E-Mail und Telefonnummer im Konto geändert, ich komme '
                       'nicht mehr rein'),
    ('it', 'critical', 'Qualcuno stanotte ha prelevato 500 euro dal mio conto e non sono stato io'),
    ('it', 'critical', "Mi hanno cambiato email e numero di telefono sull'account, io non ho "
                       'toccato niente'),
    ('pt', 'critical', 'Alguém tirou 700 euros da minha conta esta noite e não fui eu'),
    ('pt', 'critical', 'Mudaram o email e o número de telemóvel da minha conta sem eu fazer nada'),
    ('ro', 'critical', 'Cineva mi-a luat 2000 de lei din cont azi-noapte și nu eu am făcut plata'),
    ('ro', 'critical', 'Mi-au schimbat emailul și numărul de telefon din cont fără să fac eu '
                       'nimic'),
    ('el', 'critical', 'Κάποιος πήρε 600 ευρώ από τον λογαριασμό μου χθες βράδυ και δεν ήμουν εγώ'),
    ('el', 'critical', 'Μου άλλαξαν το email και το κινητό στον λογαριασμό χωρίς να κάνω τίποτα'),
    ('ru', 'critical', 'Ночью кто-то вывел с моего счёта 40 000 рублей, я ничего не переводил'),
    ('ru', 'critical', 'В моём аккаунте поменяли почту и телефон, я этого не делал'),
    ('en', 'high', "I've filed a complaint with the financial ombudsman about the fees"),
    ('en', 'high', "This is the last month I pay you, I've already signed with another provider"),
    ('es', 'high', 'He presentado una reclamación ante la OCU por el cobro de la permanencia'),
    ('es', 'high', 'Este es el último mes que os pago, ya he contratado con otra compañía'),
    ('fr', 'high', "J'ai saisi le médiateur des télécoms pour ces frais"),
    ('fr', 'high', "C'est le dernier mois que je vous paie, j'ai déjà signé ailleurs"),
    ('de', 'high', 'Ich habe mich bei der Bundesnetzagentur über die Gebühren beschwert'),
    ('de', 'high', 'Das ist der letzte Monat, den ich euch zahle, ich habe schon woanders '
                   'unterschrieben'),
    ('it', 'high', "Ho presentato un esposto all'AGCOM per questi addebiti"),
    ('it', 'high', "È l'ultimo mese che vi pago, ho già firmato con un altro operatore"),
    ('pt', 'high', 'Já apresentei queixa à ANACOM por causa destas taxas'),
    ('pt', 'high', 'É o último mês que vos pago, já assinei com outra operadora'),
    ('ro', 'high', 'Am depus o sesizare la ANCOM pentru taxele astea'),
    ('ro', 'high', 'E ultima lună în care vă plătesc, am semnat deja cu alt operator'),
    ('el', 'high', 'Έκανα καταγγελία στον Συνήγορο του Καταναλωτή για τις χρεώσεις'),
    ('el', 'high', 'Είναι ο τελευταίος μήνας που σας πληρώνω, υπέγραψα ήδη με άλλη εταιρεία'),
    ('ru', 'high', 'Я подал жалобу в Роспотребнадзор из-за этих списаний'),
    ('ru', 'high', 'Это последний месяц, когда я вам плачу, уже заключил договор с другим '
                   'оператором'),
    ('en', 'high', 'Third day now that my phone shows no bars at all at home'),
    ('en', 'high', 'The router lights are all red and nothing loads since lunchtime'),
    ('es', 'high', 'Llevo tres días sin poder llamar ni usar datos, el móvil no tiene cobertura'),
    ('es', 'high', 'Las luces del router están en rojo y no carga nada desde mediodía'),
    ('fr', 'high', "Ça fait trois jours que je n'ai aucune barre de réseau à la maison"),
    ('fr', 'high', 'Les voyants de la box sont rouges et rien ne charge depuis midi'),
    ('de', 'high', 'Seit drei Tagen zeigt mein Handy zu Hause keinen einzigen Balken'),
    ('de', 'high', 'Die Lampen am Router sind rot und seit Mittag lädt gar nichts'),
    ('it', 'high', 'Sono tre giorni che a casa il telefono non prende per niente'),
    ('it', 'high', 'Le luci del modem sono rosse e da mezzogiorno non si carica niente'),
    ('pt', 'high', 'Há três dias que o telemóvel não tem rede nenhuma em casa'),
    ('pt', 'high', 'As luzes do router estão vermelhas e nada carrega desde o almoço'),
    ('ro', 'high', 'De trei zile telefonul nu prinde deloc acasă'),
    ('ro', 'high', 'Luminile de la router sunt roșii și nu se încarcă nimic de la prânz'),
    ('el', 'high', 'Τρεις μέρες τώρα το κινητό δεν πιάνει καθόλου στο σπίτι'),
    ('el', 'high', 'Τα λαμπάκια στο ρούτερ είναι κόκκινα και δεν ανοίγει τίποτα από το μεσημέρι'),
    ('ru', 'high', 'Третий день телефон дома вообще не ловит'),
    ('ru', 'high', 'На роутере горят красные лампочки, с обеда ничего не открывается'),
    ('en', 'high', 'You took the monthly payment twice this month, £45 each time'),
    ('en', 'high', 'The refund you promised within 14 days is now five weeks late'),
    ('es', 'high', 'Este mes me habéis pasado el recibo dos veces, 45 euros cada uno'),
    ('es', 'high', 'El reembolso que prometisteis en 14 días lleva cinco semanas de retraso'),
    ('fr', 'high', "Vous m'avez prélevé l'abonnement deux fois ce mois-ci"),
    ('fr', 'high', 'Le remboursement promis sous 14 jours a maintenant cinq semaines de retard'),
    ('de', 'high', 'Ihr habt diesen Monat zweimal die Monatsgebühr eingezogen'),
    ('de', 'high', 'Die versprochene Erstattung innerhalb von 14 Tagen ist jetzt fünf Wochen '
                   'überfällig'),
    ('it', 'high', 'Questo mese mi avete addebitato il canone due volte'),
    ('it', 'high', 'Il rimborso promesso entro 14 giorni è in ritardo di cinque settimane'),
    ('pt', 'high', 'Este mês cobraram-me a mensalidade duas vezes'),
    ('pt', 'high', 'O reembolso prometido em 14 dias já está cinco semanas atrasado'),
    ('ro', 'high', 'Luna asta mi-ați luat abonamentul de două ori'),
    ('ro', 'high', 'Rambursarea promisă în 14 zile întârzie deja de cinci săptămâni'),
    ('el', 'high', 'Αυτό τον μήνα μου πήρατε τη συνδρομή δύο φορές'),
    ('el', 'high', 'Η επιστροφή που υποσχεθήκατε σε 14 μέρες αργεί ήδη πέντε εβδομάδες'),
    ('ru', 'high', 'В этом месяце вы сняли абонентскую плату два раза'),
    ('ru', 'high', 'Возврат, обещанный за 14 дней, задерживается уже на пять недель'),
    ('en', 'high', "Our connecting flight was scrapped and we're stuck in Frankfurt with two "
                   'kids, no one at the desk'),
    ('en', 'high', "Train cancelled, last one of the night, and we're on the platform with "
                   'nowhere to go'),
    ('es', 'high', 'Nos han anulado el vuelo de conexión y estamos tirados en Fráncfort con dos '
                   'niños'),
    ('es', 'high', 'Han suprimido el último tren de la noche y estamos en el andén sin saber '
                   'qué hacer'),
    ('fr', 'high', 'Notre correspondance a été annulée, on est coincés à Francfort avec deux '
                   'enfants'),
    ('fr', 'high', 'Dernier train de la soirée supprimé, on est sur le quai sans solution'),
    ('de', 'high', 'Unser Anschlussflug wurde gestrichen und wir sitzen mit zwei Kindern in '
                   'Frankfurt fest'),
    ('de', 'high', 'Letzter Zug des Abends fällt aus und wir stehen am Bahnsteig ohne Lösung'),
    ('it', 'high', 'Ci hanno cancellato la coincidenza e siamo fermi a Francoforte con due '
                   'bambini'),
    ('it', 'high', "Soppresso l'ultimo treno della sera, siamo sul binario senza soluzioni"),
    ('pt', 'high', 'Cancelaram-nos o voo de ligação e estamos presos em Frankfurt com duas '
                   'crianças'),
    ('pt', 'high', 'Suprimiram o último comboio da noite e estamos na plataforma sem solução'),
    ('ro', 'high', 'Ne-au anulat zborul de legătură și am rămas în Frankfurt cu doi copii'),
    ('ro', 'high', 'Au anulat ultimul tren din seara asta și stăm pe peron fără nicio soluție'),
    ('el', 'high', 'Μας ακύρωσαν την ανταπόκριση και μείναμε στη Φρανκφούρτη με δύο παιδιά'),
    ('el', 'high', 'Ακυρώθηκε το τελευταίο τρένο της βραδιάς και είμαστε στην αποβάθρα χωρίς λύση'),
    ('ru', 'high', 'Нам отменили стыковочный рейс, сидим во Франкфурте с двумя детьми'),
    ('ru', 'high', 'Отменили последнюю электричку, стоим на платформе и не знаем, что делать'),
    ('en', 'quiet', "Honestly not the slowest delivery I've had, arrived in two days, cheers"),
    ('en', 'quiet', 'How do I add a second card to my account?'),
    ('en', 'quiet', 'Your new advert with the dancing cat absolutely kills me 😂'),
    ('es', 'quiet', '¿Cómo añado una segunda tarjeta a mi cuenta?'),
    ('es', 'quiet', 'El pedido llegó en dos días, rapidísimo, gracias'),
    ('fr', 'quiet', 'Comment ajouter une deuxième carte à mon compte ?'),
    ('fr', 'quiet', 'Votre nouvelle pub avec le chat qui danse me tue 😂'),
    ('de', 'quiet', 'Wie füge ich eine zweite Karte zu meinem Konto hinzu?'),
    ('de', 'quiet', 'Nicht der schlechteste Service, den ich hatte, ganz im Gegenteil'),
    ('it', 'quiet', 'Come aggiungo una seconda carta al mio conto?'),
    ('it', 'quiet', 'Ordine arrivato in due giorni, velocissimi, grazie'),
    ('pt', 'quiet', 'Como adiciono um segundo cartão à minha conta?'),
    ('pt', 'quiet', 'A vossa nova publicidade com o gato a dançar mata-me a rir 😂'),
    ('ro', 'quiet', 'Cum adaug un al doilea card în cont?'),
    ('ro', 'quiet', 'Comanda a ajuns în două zile, foarte rapid, mulțumesc'),
    ('el', 'quiet', 'Πώς προσθέτω δεύτερη κάρτα στον λογαριασμό μου;'),
    ('el', 'quiet', 'Η παραγγελία ήρθε σε δύο μέρες, πολύ γρήγορα, ευχαριστώ'),
    ('ru', 'quiet', 'Как добавить вторую карту в аккаунт?'),
    ('ru', 'quiet', 'Заказ пришёл за два дня, очень быстро, спасибо'),
]
ROUND_2 = [
    ('en', 'critical', "Since the delivery guy dropped off the fridge there's a hissing noise "
                       'and a chemical smell in the kitchen'),
    ('es', 'critical', 'El patinete que me vendisteis echó chispas mientras cargaba y casi se '
                       'quema la habitación'),
    ('fr', 'critical', "Mon père n'a pas reçu ses médicaments pour le cœur, le colis est perdu "
                       'depuis une semaine'),
    ('de', 'critical', 'Mein Sohn hat von eurem Müsliriegel einen allergischen Ausschlag '
                       'bekommen, obwohl nussfrei draufstand'),
    ('it', 'critical', 'La stufa che ci avete installato fa puzza di gas da ieri sera'),
    ('pt', 'critical', 'A trotinete que me venderam deitou faíscas enquanto carregava'),
    ('ro', 'critical', 'De la mâncarea comandată aseară toată familia are dureri de burtă și '
                       'vărsături'),
    ('el', 'critical', 'Η σόμπα που μας εγκαταστήσατε βγάζει μυρωδιά γκαζιού από χθες'),
    ('ru', 'critical', 'После вашей пиццы у всей семьи рвота и температура'),
    ('en', 'critical', "There are three payments to a shop in Lisbon on my card and I've never "
                       'been to Portugal'),
    ('es', 'critical', 'Aparecen tres compras en mi tarjeta en una tienda de Lisboa y nunca he '
                       'estado allí'),
    ('fr', 'critical', "Trois paiements à Lisbonne sur ma carte, je n'y ai jamais mis les pieds"),
    ('de', 'critical', 'Auf meiner Karte sind drei Zahlungen aus Lissabon, ich war nie dort'),
    ('it', 'critical', 'Sulla mia carta ci sono tre pagamenti a Lisbona e io non ci sono mai '
                       'stato'),
    ('pt', 'critical', 'Apareceram três pagamentos em Lisboa no meu cartão e eu nunca lá estive'),
    ('ro', 'critical', 'Am trei plăți din Lisabona pe card și n-am fost niciodată acolo'),
    ('el', 'critical', 'Βλέπω τρεις πληρωμές από τη Λισαβόνα στην κάρτα μου και δεν έχω πάει '
                       'ποτέ εκεί'),
    ('ru', 'critical', 'На карте три платежа из Лиссабона, а я там никогда не был'),
    ('en', 'high', "Sorted: I'm reporting this to the regulator tomorrow"),
    ('es', 'high', 'Si no me devolvéis el dinero esta semana, me doy de baja y os denuncio en '
                   'consumo'),
    ('fr', 'high', "Sans réponse d'ici vendredi je passe chez la concurrence"),
    ('de', 'high', 'Wenn bis Freitag nichts passiert, kündige ich und gehe zur '
                   'Verbraucherzentrale'),
    ('it', 'high', 'Se entro venerdì non risolvete, passo a un altro gestore'),
    ('pt', 'high', 'Se até sexta não resolverem, mudo de operadora'),
    ('ro', 'high', 'Dacă nu rezolvați până vineri, mă mut la altă bancă'),
    ('el', 'high', 'Αν δεν το λύσετε μέχρι την Παρασκευή, πάω σε άλλη εταιρεία'),
    ('ru', 'high', 'Если до пятницы не решите, ухожу к другому провайдеру'),
    ('en', 'high', 'Calls drop after ten seconds every single time since Monday'),
    ('es', 'high', 'Desde el lunes las llamadas se cortan a los diez segundos'),
    ('fr', 'high', 'Depuis lundi les appels coupent au bout de dix secondes'),
    ('de', 'high', 'Seit Montag brechen alle Anrufe nach zehn Sekunden ab'),
    ('it', 'high', 'Da lunedì le chiamate cadono dopo dieci secondi'),
    ('pt', 'high', 'Desde segunda as chamadas caem ao fim de dez segundos'),
    ('ro', 'high', 'De luni apelurile se întrerup după zece secunde'),
    ('el', 'high', 'Από τη Δευτέρα οι κλήσεις κόβονται μετά από δέκα δευτερόλεπτα'),
    ('ru', 'high', 'С понедельника звонки обрываются через десять секунд'),
    ('en', 'high', 'The same €30 top-up went through twice on my card'),
    ('es', 'high', 'La misma recarga de 30 € me la cobraron por duplicado'),
    ('fr', 'high', 'La même recharge de 30 € a été facturée en double'),
    ('de', 'high', 'Dieselbe Aufladung über 30 € wurde zweimal abgebucht'),
    ('ro', 'high', 'Aceeași reîncărcare de 30 de lei mi-a fost luată de două ori'),
    ('el', 'high', 'Η ίδια ανανέωση των 30 ευρώ χρεώθηκε δύο φορές'),
    ('ru', 'high', 'Одно и то же пополнение на 300 рублей списали дважды'),
    ('en', 'high', "Ferry to the island was called off and there's not a single room left in town"),
    ('fr', 'high', "Le ferry pour l'île a été annulé et il n'y a plus une chambre en ville"),
    ('it', 'high', "Il traghetto per l'isola è stato cancellato e non c'è più una camera in città"),
    ('pt', 'high', 'O ferry para a ilha foi cancelado e não há um quarto livre na cidade'),
    ('el', 'high', 'Το πλοίο για το νησί ακυρώθηκε και δεν υπάρχει ούτε ένα δωμάτιο'),
    ('ru', 'high', 'Паром на остров отменили, а в городе ни одного свободного номера'),
    ('en', 'quiet', 'Not bad at all, the new app is actually quicker than the old one'),
    ('es', 'quiet', '¿A qué hora abre la tienda de la calle Mayor el domingo?'),
    ('fr', 'quiet', "Pas mal du tout la nouvelle appli, plus rapide que l'ancienne"),
    ('de', 'quiet', 'Gar nicht schlecht, die neue App ist schneller als die alte'),
    ('it', 'quiet', 'Non male la nuova app, più veloce della vecchia'),
    ('pt', 'quiet', 'Nada mau, a app nova é mais rápida que a antiga'),
    ('ro', 'quiet', 'Nu e rea deloc aplicația nouă, e mai rapidă decât cea veche'),
    ('el', 'quiet', 'Καθόλου κακή η νέα εφαρμογή, πιο γρήγορη από την παλιά'),
    ('ru', 'quiet', 'Неплохое новое приложение, быстрее старого'),
    ('en', 'quiet', 'Your Christmas ad had me in tears laughing, the dog stole the show'),
]
ROUND_3 = [
    ('en', 'critical', 'My toddler found a loose magnet from your building set and put it in '
                       'her mouth'),
    ('de', 'critical', 'Der Wasserkocher von euch hat heute früh Funken gesprüht und der '
                       'Sicherungsschalter ist rausgeflogen'),
    ('ro', 'critical', 'Am găsit cioburi de sticlă în borcanul de iaurt, copilul aproape a '
                       'înghițit unul'),
    ('el', 'critical', 'Ο θερμοσίφωνας που βάλατε τρέχει νερό πάνω στα καλώδια'),
    ('pt', 'critical', 'O meu avô está sem a medicação para a tensão porque a farmácia online '
                       'nunca entregou'),
    ('es', 'critical', 'Alguien ha pedido una tarjeta nueva a mi nombre y la han enviado a otra '
                       'dirección'),
    ('fr', 'critical', "Je reçois des codes de connexion que je n'ai pas demandés et mon mot de "
                       'passe ne marche plus'),
    ('it', 'critical', 'Qualcuno è entrato nel mio conto e ha fatto un bonifico di 900 euro'),
    ('ru', 'critical', 'Мне пришло СМС о входе в банк с чужого телефона, а потом пропали деньги'),
    ('en', 'critical', 'Someone used my card details to book flights, I still have the card in '
                       'my wallet'),
    ('es', 'high', 'Si no tengo respuesta el lunes, voy a la oficina del consumidor'),
    ('it', 'high', 'Sto valutando di rivolgermi a un avvocato per questi addebiti'),
    ('el', 'high', 'Θα κάνω καταγγελία στην ΕΕΤΤ αν δεν λυθεί'),
    ('de', 'high', 'Ich überlege, zur Konkurrenz zu gehen'),
    ('ro', 'high', 'Mă gândesc serios să închid contul la voi'),
    ('en', 'high', 'My landline has been dead since the storm on Tuesday'),
    ('fr', 'high', 'Impossible de payer par carte sur votre site depuis ce matin'),
    ('it', 'high', "L'app si chiude da sola appena provo ad aprirla"),
    ('ru', 'high', 'Третий час не могу оплатить ни одной покупки в вашем приложении'),
    ('pt', 'high', 'A internet vai e vem de cinco em cinco minutos desde domingo'),
    ('de', 'high', 'Ihr habt mir eine Rechnung über 80 € geschickt, obwohl ich schon bezahlt habe'),
    ('el', 'high', 'Μου χρεώσατε δύο φορές την ίδια παραγγελία'),
    ('es', 'high', 'Llevo un mes esperando la devolución que me prometisteis en una semana'),
    ('ro', 'high', 'Mi-ați promis banii înapoi în 5 zile, au trecut trei săptămâni'),
    ('en', 'high', "Our flight home was cancelled an hour before boarding and there's no "
                   'rebooking until Friday'),
    ('de', 'high', 'Unser Rückflug wurde eine Stunde vor dem Boarding gestrichen, nächster Flug '
                   'erst Freitag'),
    ('ru', 'high', 'Наш обратный рейс отменили за час до посадки, следующий только в пятницу'),
    ('es', 'high', 'Nos cancelaron el vuelo de vuelta una hora antes de embarcar y no hay otro '
                   'hasta el viernes'),
    ('en', 'quiet', "Can't say anything bad about the installer, quick and tidy"),
    ('es', 'quiet', 'No tengo ninguna queja, el técnico fue puntual y amable'),
    ('fr', 'quiet', 'Où puis-je télécharger ma facture du mois dernier ?'),
    ('de', 'quiet', 'Kann ich meinen Tarif online ändern?'),
    ('it', 'quiet', 'La vostra pubblicità con il nonno che balla è da morire dal ridere'),
    ('ro', 'quiet', 'Livrare în 24 de ore, impecabil'),
    ('el', 'quiet', 'Δεν έχω κανένα παράπονο, όλα άψογα'),
    ('ru', 'quiet', 'Доставили за час, вообще без проблем'),
]
ROUND_4 = [
    ('en', 'critical', "The smoke alarm you installed keeps going off and now there's a burning "
                       'plastic smell from it'),
    ('es', 'critical', 'La papilla que compré tenía trozos de cristal, menos mal que lo vi '
                       'antes de dársela al bebé'),
    ('fr', 'critical', "Le radiateur électrique que vous m'avez vendu a pris feu dans la "
                       'chambre des enfants'),
    ('it', 'critical', "Mia figlia è allergica alle arachidi e nel vostro biscotto 'senza "
                       "arachidi' c'erano pezzi di arachide"),
    ('ro', 'critical', 'Butelia pe care mi-ați adus-o șuieră și miroase a gaz în bucătărie'),
    ('ru', 'critical', 'После вашего салата у меня сыпь по всему телу и отекло лицо'),
    ('de', 'critical', 'Meine Oma wartet seit zehn Tagen auf ihr Insulin, eure Apotheke '
                       'reagiert nicht'),
    ('el', 'critical', 'Μου ήρθε μήνυμα ότι άλλαξε το PIN της κάρτας μου, δεν το άλλαξα εγώ'),
    ('pt', 'critical', 'Recebi um SMS a dizer que o meu número foi transferido para outro '
                       'cartão SIM, não pedi nada'),
    ('en', 'critical', "There's a loan in my name on your app that I never applied for"),
    ('fr', 'critical', "Quelqu'un a commandé une carte à mon nom et l'a fait livrer ailleurs"),
    ('it', 'critical', 'Mi hanno svuotato la carta con acquisti online che non ho mai fatto'),
    ('ru', 'critical', 'С моей карты ушли три перевода на чужие счета, я их не делал'),
    ('es', 'high', 'Esta semana voy a poner una hoja de reclamaciones si nadie me llama'),
    ('de', 'high', 'Ich habe meinen Anwalt eingeschaltet'),
    ('pt', 'high', 'Vou cancelar tudo convosco no fim do mês'),
    ('el', 'high', 'Σκέφτομαι σοβαρά να κλείσω τον λογαριασμό μου σε εσάς'),
    ('en', 'high', "Fine, I'll take my money to another bank"),
    ('ro', 'high', 'Am trimis deja reclamație la ANPC'),
    ('fr', 'high', "Depuis samedi je n'ai plus la télé ni internet"),
    ('de', 'high', 'Die Karte wird an keiner Kasse mehr akzeptiert seit gestern'),
    ('es', 'high', 'La web da pantalla en blanco cada vez que intento pagar'),
    ('el', 'high', 'Από χθες δεν περνάει καμία πληρωμή με την κάρτα'),
    ('ru', 'high', 'Приложение банка показывает пустой экран уже второй день'),
    ('it', 'high', 'Da sabato niente televisione e niente internet'),
    ('pt', 'high', 'Cobraram-me a anuidade do cartão duas vezes'),
    ('en', 'high', 'I returned the jacket three weeks ago and still no refund'),
    ('fr', 'high', "J'attends toujours le remboursement promis il y a un mois"),
    ('ru', 'high', 'Деньги за отменённый заказ обещали вернуть за 3 дня, прошло 3 недели'),
    ('it', 'high', 'Mi avete addebitato due volte la stessa bolletta'),
    ('en', 'high', 'Our 6am flight got cancelled at the gate and the next seat is in two days'),
    ('pt', 'high', 'Ficámos em terra, cancelaram o voo e não há hotel'),
    ('ro', 'high', 'Trenul de noapte spre Cluj a fost anulat și stăm în gară cu bagajele'),
    ('el', 'high', 'Ακυρώθηκε το πλοίο της επιστροφής και δεν έχουμε πού να μείνουμε'),
    ('es', 'high', 'Nos dejaron en tierra, vuelo cancelado y sin hotel'),
    ('en', 'quiet', 'Can you tell me when my contract ends?'),
    ('fr', 'quiet', "Pas le pire opérateur, loin de là, merci à l'équipe"),
    ('de', 'quiet', 'Wo finde ich meine letzte Rechnung in der App?'),
    ('it', 'quiet', 'Consegna velocissima, arrivato tutto il giorno dopo'),
    ('pt', 'quiet', 'Não é nada mau o novo tarifário, gostei'),
    ('ro', 'quiet', 'Reclama voastră cu bunica pe trotinetă e genială 😂'),
    ('el', 'quiet', 'Που μπορώ να δω πόσα δεδομένα μου έμειναν;'),
    ('ru', 'quiet', 'Не худший банк, честно говоря, всё быстро решили'),
    ('es', 'quiet', 'No está nada mal la nueva app, muy rápida'),
]
# two of round 5 are still missed, see docs/model-card.md: two cash withdrawals in a city the
# customer is not in (needs knowing where she is), and Portuguese "queixa no livro de
# reclamações", whose "no" (in the) reads as a negation
ROUND_5 = [
    ('en', 'critical', "The tinned tuna I bought from you was bulging and my husband's been "
                       'vomiting since dinner'),
    ('de', 'critical', 'Im Keller riecht es seit eurem Zählerwechsel nach Gas'),
    ('it', 'critical', "Il pacco con l'epinephrine di mio figlio è fermo in deposito da una "
                       'settimana'),
    ('pt', 'critical', 'O forno que me instalaram deita faíscas quando o ligo'),
    ('ro', 'critical', 'Am găsit o bucată de metal în pâinea cumpărată de la voi, fiul meu și-a '
                       'rupt un dinte'),
    ('el', 'critical', 'Μετά το σουβλάκι σας όλη η οικογένεια έχει πυρετό και εμετούς'),
    ('es', 'critical', 'Se ha ido la luz en el edificio y mi madre necesita el concentrador de '
                       'oxígeno'),
    ('fr', 'critical', "Quelqu'un a utilisé ma carte pour des achats à l'étranger alors qu'elle "
                       'est dans mon portefeuille'),
    ('de', 'critical', 'Jemand hat sich in mein Kundenkonto eingeloggt und die Lieferadresse '
                       'geändert'),
    ('ru', 'critical', 'Мне звонили от вашего имени, попросили код из СМС, и теперь на счёте ноль'),
    ('it', 'critical', 'Ho ricevuto un SMS di accesso da un dispositivo che non è mio e ora non '
                       'entro più'),
    ('es', 'critical', 'Me han suplantado: alguien abrió una línea a mi nombre'),
    ('en', 'high', "If this isn't fixed by Friday I'm going to the ombudsman"),
    ('fr', 'high', "Je vais écrire à l'UFC-Que Choisir"),
    ('it', 'high', 'Domani vado da un legale'),
    ('ro', 'high', 'O să vă dau în judecată pentru asta'),
    ('el', 'high', 'Ετοιμάζω αίτηση φορητότητας σε άλλον πάροχο'),
    ('ru', 'high', 'Всё, пишу заявление на перенос номера к другому оператору'),
    ('de', 'high', 'Seit heute früh kommen keine SMS mehr an'),
    ('es', 'high', 'No entran ni salen llamadas desde esta mañana'),
    ('en', 'high', 'Half the street has had no broadband since Sunday'),
    ('ro', 'high', 'De azi-dimineață nu merg nici apelurile, nici datele mobile'),
    ('el', 'high', 'Από το πρωί δεν έρχονται SMS'),
    ('it', 'high', 'Da stamattina non arrivano più gli SMS'),
    ('fr', 'high', "Vous m'avez débité 49 € pour un abonnement que j'avais résilié en mars"),
    ('de', 'high', 'Die Gutschrift, die ihr mir für letzte Woche zugesagt habt, ist immer noch '
                   'nicht da'),
    ('el', 'high', 'Περιμένω ακόμα τα χρήματα της επιστροφής εδώ και ένα μήνα'),
    ('ru', 'high', 'Вы списали 2000 рублей за подписку, которую я отменил в марте'),
    ('pt', 'high', 'Ainda não recebi o reembolso que me prometeram há um mês'),
    ('en', 'high', 'Delayed 9 hours, then cancelled at midnight, 80 of us sleeping in the '
                   'terminal'),
    ('it', 'high', "Volo annullato all'ultimo, siamo in aeroporto con un neonato e nessuno ci "
                   'aiuta'),
    ('de', 'high', 'Der Nachtzug nach Wien ist ausgefallen und es gibt keinen Ersatz'),
    ('ru', 'high', 'Рейс отменили, нас бросили в аэропорту без еды и гостиницы'),
    ('en', 'quiet', 'Not once has the app let me down in five years'),
    ('es', 'quiet', '¿Cómo puedo cambiar la dirección de envío de mi pedido?'),
    ('de', 'quiet', 'Euer neuer Werbespot mit dem Hund ist der Hammer 😂'),
    ('it', 'quiet', 'Non posso lamentarmi, il tecnico è stato rapidissimo'),
    ('pt', 'quiet', 'Onde consulto o meu saldo de dados?'),
    ('ro', 'quiet', 'Nu cel mai rău operator, sincer'),
    ('el', 'quiet', 'Πολύ γρήγορη εξυπηρέτηση, σε πέντε λεπτά λύθηκε'),
    ('fr', 'quiet', 'Quand est-ce que la boutique de Lyon ouvre le dimanche ?'),
    ('ru', 'quiet', 'Как поменять тариф через приложение?'),
]
# round 7, after round 6 was measured (bench/parity/phrasings_round6.jsonl): the critical
# categories (foreign bodies in food, shocks from appliances, money moved without consent,
# accounts used from abroad)
ROUND_7 = [
    ('en', 'critical', 'Opened the salad bag from your shop and there was a dead mouse inside, '
                       'my kids already ate some'),
    ('en', 'critical', 'The lift in your car park dropped two floors with us in it'),
    ('es', 'critical', 'Mi hija ha tenido una reacción con las galletas que ponían sin gluten, '
                       'es celíaca y ha estado fatal'),
    ('es', 'critical', 'El cargador del móvil se ha puesto negro y olía a plástico quemado'),
    ('fr', 'critical', 'Ma fille a trouvé une aiguille dans son sandwich acheté chez vous'),
    ('fr', 'critical', "Depuis l'intervention de votre technicien, le compteur électrique fait "
                       'des étincelles'),
    ('de', 'critical', 'Mein Kind hat nach eurem Kinderbrei hohes Fieber und muss ständig brechen'),
    ('de', 'critical', 'Unser Kühlschrank von euch gibt Stromschläge, wenn man die Tür anfasst'),
    ('it', 'critical', 'Mio padre è rimasto senza ossigeno perché la consegna delle bombole non '
                       'è arrivata'),
    ('it', 'critical', 'Il forno che ci avete consegnato fa scintille appena si accende'),
    ('pt', 'critical', 'O meu filho teve uma reação alérgica grave às bolachas que diziam não '
                       'ter leite'),
    ('pt', 'critical', 'Desde a visita do vosso técnico cheira a gás na cozinha'),
    ('ro', 'critical', 'Fetița a avut o reacție alergică gravă după biscuiții voștri fără lapte'),
    ('ro', 'critical', 'Frigiderul livrat de voi dă curent când atingi ușa'),
    ('el', 'critical', 'Το παιδί μου έπαθε αλλεργικό σοκ από τα μπισκότα σας που έγραφαν χωρίς '
                       'ξηρούς καρπούς'),
    ('el', 'critical', 'Το ψυγείο που μας φέρατε χτυπάει ρεύμα όταν το ακουμπάς'),
    ('ru', 'critical', 'У ребёнка сильная аллергия после вашего печенья без орехов, вызывали '
                       'скорую'),
    ('ru', 'critical', 'Холодильник, который вы привезли, бьёт током'),
    ('en', 'critical', 'I got a text saying my number was moved to a new SIM and now my phone '
                       'has no service'),
    ('en', 'critical', 'Somebody is logged into my account from another country right now'),
    ('es', 'critical', 'Han hecho una transferencia de 1.500 euros desde mi cuenta que yo no he '
                       'autorizado'),
    ('es', 'critical', 'Alguien está usando mi cuenta desde otro país'),
    ('fr', 'critical', 'Un virement de 2 000 € est parti de mon compte sans mon accord'),
    ('fr', 'critical', "Quelqu'un se connecte à mon compte depuis l'étranger"),
    ('de', 'critical', 'Es wurden 800 € ohne meine Zustimmung von meinem Konto abgebucht'),
    ('de', 'critical', 'Jemand ist gerade aus dem Ausland in meinem Konto eingeloggt'),
    ('it', 'critical', 'Hanno fatto un bonifico di 1.000 euro dal mio conto senza il mio consenso'),
    ('it', 'critical', 'Qualcuno sta usando il mio account da un altro paese'),
    ('pt', 'critical', 'Fizeram uma transferência de 900 euros da minha conta sem a minha '
                       'autorização'),
    ('pt', 'critical', 'Alguém está a usar a minha conta a partir de outro país'),
    ('ro', 'critical', 'S-a făcut un transfer de 3000 de lei din contul meu fără acordul meu'),
    ('ro', 'critical', 'Cineva folosește contul meu din altă țară'),
    ('el', 'critical', 'Έγινε μεταφορά 700 ευρώ από τον λογαριασμό μου χωρίς τη συγκατάθεσή μου'),
    ('el', 'critical', 'Κάποιος χρησιμοποιεί τον λογαριασμό μου από άλλη χώρα'),
    ('ru', 'critical', 'С моего счёта ушёл перевод на 50 000 рублей без моего согласия'),
    ('ru', 'critical', 'Кто-то сидит в моём аккаунте из другой страны'),
]
# round 8; still missed: German "Wie lange dauert eine Rückerstattung normalerweise?" (a
# question about refunds reads as money lost, in every language)
ROUND_8 = [
    ('en', 'critical', "Went to pay for groceries and my card was empty, there's a transfer to "
                       'someone called J. Smith I never made'),
    ('es', 'critical', 'Me llega un correo de que mi contraseña se ha restablecido y yo no he '
                       'pedido nada'),
    ('fr', 'critical', "Le SAV m'a rappelé pour me demander mon code de carte, et depuis ma "
                       'carte a été vidée'),
    ('de', 'critical', 'Heute Morgen waren plötzlich 3 Bestellungen in meinem Konto, die ich '
                       'nie aufgegeben habe'),
    ('it', 'critical', 'Mi è arrivata la notifica di un accesso dalla Romania, io sono a Milano'),
    ('pt', 'critical', 'Tiraram-me 400 euros da conta com um cartão que eu já tinha cancelado'),
    ('ro', 'critical', 'Mi s-a golit contul peste noapte, nu am făcut eu nicio plată'),
    ('el', 'critical', 'Μου ήρθε ειδοποίηση ότι άλλαξε το email του λογαριασμού μου, δεν το '
                       'έκανα εγώ'),
    ('ru', 'critical', 'Пришло уведомление о смене пароля, хотя я его не менял'),
    ('en', 'critical', 'Your bread had green fuzz inside and my toddler has had diarrhoea all day'),
    ('es', 'critical', 'La estufa que nos instalasteis suelta un olor raro y a mi madre le '
                       'duele mucho la cabeza'),
    ('it', 'critical', 'La lavatrice che avete installato perde acqua vicino alla presa di '
                       'corrente'),
    ('ru', 'critical', 'После вашего йогурта дочка вся покрылась пятнами и тяжело дышит'),
    ('en', 'high', "Our train to the airport was cancelled and we're going to miss our flight, "
                   'nobody at the station can help'),
    ('es', 'high', 'Perdí la conexión por el retraso de vuestro vuelo y me dicen que no hay '
                   'otro hasta mañana'),
    ('fr', 'high', 'À cause de votre retard on a raté la correspondance, et personne ne nous aide'),
    ('de', 'high', 'Wegen eurer Verspätung haben wir den Anschluss verpasst und niemand hilft uns'),
    ('ro', 'high', 'Din cauza întârzierii voastre am pierdut legătura și nimeni nu ne ajută'),
    ('el', 'high', 'Λόγω της καθυστέρησης χάσαμε την ανταπόκριση και κανείς δεν βοηθάει'),
    ('en', 'high', 'You billed me for two lines but I only have one'),
    ('es', 'high', 'Me habéis facturado dos líneas y solo tengo una'),
    ('fr', 'high', "Vous me facturez deux lignes alors que je n'en ai qu'une"),
    ('it', 'high', 'Mi fate pagare due linee ma ne ho solo una'),
    ('pt', 'high', 'Estão a cobrar-me duas linhas e eu só tenho uma'),
    ('ru', 'high', 'Вы берёте с меня плату за две линии, а у меня одна'),
    ('de', 'high', 'Das Internet geht alle zehn Minuten weg'),
    ('it', 'high', 'Internet salta ogni dieci minuti'),
    ('ro', 'high', 'Internetul pică din zece în zece minute'),
    ('el', 'high', 'Το ίντερνετ πέφτει κάθε δέκα λεπτά'),
    ('es', 'high', 'Si esto no se arregla hoy, mañana me paso a la competencia'),
    ('fr', 'high', 'Je suis client depuis 15 ans et je pars, vous ne me reverrez plus'),
    ('it', 'high', "Ho già scritto all'associazione consumatori"),
    ('pt', 'high', 'Já falei com um advogado sobre isto'),
    ('en', 'quiet', 'Not gonna lie, the new app is slick'),
    ('ro', 'quiet', 'Reclama cu pisica e cea mai tare 😂'),
    ('ru', 'quiet', 'Подскажите, где посмотреть остаток трафика?'),
    ('el', 'quiet', 'Όχι άσχημα, γρήγορη παράδοση'),
]
CASES = ROUND_1 + ROUND_2 + ROUND_3 + ROUND_4 + ROUND_5 + ROUND_7 + ROUND_8


@pytest.mark.parametrize(("lang", "urgency", "text"), CASES)
def test_phrasing_gets_its_labels(lang: str, urgency: str, text: str) -> None:
    label = model().predict([TextInput(text, lang=lang)])[0]
    if urgency == "quiet":
        assert (label.complaint, label.urgency in ("low", "normal")) == (False, True), label
    else:
        assert (label.complaint, label.urgency) == (True, urgency), label


def _dev_texts() -> list[tuple[str, str]]:
    items = parity.load(parity.data_files(ROOT / "bench" / "parity"))
    return [(item.texts[lang], lang) for item in items if item.split == "dev"
            for lang in parity.LANGUAGES]


def test_a_problem_reason_always_comes_with_a_complaint() -> None:
    """A post rated critical, or given a reason that reports a problem (fraud, an outage, a
    threat to go to the regulator), is a complaint: the two never disagree."""
    texts = _dev_texts() + [(text, lang) for lang, _, text in CASES]
    labels = model().predict([TextInput(text, lang=lang) for text, lang in texts])
    problems = PROBLEM_CODES - {"time_bound"}  # "my flight is today" alone reports nothing
    checked = 0
    for (text, _), label in zip(texts, labels, strict=True):
        if label.urgency == "critical" or problems & set(label.reason_codes):
            checked += 1
            assert label.complaint, (text, label.reason_codes)
    assert checked > 300


# "My password was changed" in every language: someone else did it, so account security, and
# the login that fails with it is no "service outage"; when the customer changed it, it is not.
PASSWORD_CHANGED = [
    ("en", "My password was changed last night and now I can't log in"),
    ("es", "Mi contraseña ha sido cambiada y no puedo entrar"),
    ("fr", "Mon mot de passe a été modifié et je ne peux plus me connecter"),
    ("de", "Mein Passwort wurde geändert und ich komme nicht rein"),
    ("it", "La mia password è stata cambiata e non riesco ad accedere"),
    ("pt", "A minha senha foi alterada e não consigo entrar"),
    ("ro", "Mi-a fost schimbată parola și nu mai pot intra în cont"),
    ("el", "Άλλαξε ο κωδικός μου χωρίς να το ζητήσω και δεν μπορώ να μπω"),
    ("ru", "Мой пароль был изменён, и я не могу войти"),
]


@pytest.mark.parametrize(("lang", "text"), PASSWORD_CHANGED)
def test_a_changed_password_is_account_security_not_an_outage(lang: str, text: str) -> None:
    label = model().predict([TextInput(text, lang=lang)])[0]
    assert label.reason_codes == ["account_security"], label.reason_codes
    assert (label.complaint, label.urgency) == (True, "critical")


def test_a_password_the_customer_changed_is_a_login_problem() -> None:
    label = model().predict([TextInput("I changed my password this morning and now the app "
                                       "won't let me log in", lang="en")])[0]
    assert "account_security" not in label.reason_codes
    assert (label.complaint, label.urgency, label.reason_codes) == (True, "high", ["outage"])
