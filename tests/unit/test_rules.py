"""The rule layer: crisis wording always wins, in any language, misspelt or transliterated."""

from __future__ import annotations

import pytest

from nlu.parse import FALLBACK
from nlu.rules import Rules


@pytest.fixture(scope="module")
def rules() -> Rules:
    return Rules.load()


CRISIS = [
    "negribu vairs dzīvot",
    "negribu vairs dzivot",
    "negrbu vairs dzivot",
    "NEGRIBU VAIRS DZĪVOT!!!",
    "gribu nomirt",
    "domāju par pašnāvību",
    "domaju par pasnavibu",
    "viņš mani sit",
    "vinsh mani sit",
    "Baidos, ka dēls Olaines cietumā sev kaut ko nodarīs",
    "не хочу больше жить",
    "ne hochu bolshe zhit",
    "ne xochu zhit",
    "хочу покончить с собой",
    "hochu pokonchit s soboj",
    "он меня бьёт",
    "I can't go on",
    "i cant go on",
    "i want to die",
    "he is beating me",
    "I'm afraid he will kill himself",
    # QA, fifth pass: with the feeling_low answer the model read these as hard feelings
    "i'm struggling, i keep thinking about ending it",
    "я всё время плачу и думаю о смерти",
    "esmu tik nogurusi, gribu aizmigt un nemosties",
    "esmu nogurusi dzīvot",
    "устала от жизни",
    "ustala ot zhizni",
    "I'm tired of living",
    "i feel like dying",
    "i feel hopeless",
    "I feel like giving up on everything",
    "i feel empty, like there's no reason to go on",
    "esmu izsmelta, negribu vairs neko",
    "i want it all to stop",
    "nothing to live for",
    "i'm going to end things",
    "esmu gatava visu beigt",
    "скоро меня не станет",
    "хочу на тот свет",
    "gribu pie viņa viņsaulē",
    "i just want the pain to stop",
    "man vienalga, kas ar mani notiks",
    # QA, sixth pass: a method in the first person, goodbyes, plans, danger at the door
    "es pakāršos",
    "es nosausos",
    "es lēkšu no loga",
    "sadzēros zāles",
    "šī ir mana pēdējā ziņa",
    "viņš sita manu bērnu",
    "izsauciet policiju",
    "я отравлюсь",
    "ya otravlyus",
    "хочу утопиться",
    "я выпрыгну в окно",
    "я сброшусь с моста",
    "прощайте все, спасибо за всё",
    "бывший освободился и стоит у моей двери",
    "я заперта, он не выпускает меня из квартиры",
    "i'm a burden",
    "i swallowed all my meds",
    "kys",
    "this is goodbye",
    "my ex was released and is outside my door",
    "he hit my son",
    "pls call police he is here",
]


@pytest.mark.parametrize("text", CRISIS)
def test_crisis_wording_is_caught(rules: Rules, text: str) -> None:
    match = rules.match(text)
    assert match is not None and match.intent == "crisis", text


@pytest.mark.parametrize(
    "text",
    ["/book_counselling negribu vairs dzīvot", "latviski, negribu vairs dzīvot", "menu i want to die"],
)
def test_crisis_wins_over_buttons_commands_and_language(rules: Rules, text: str) -> None:
    match = rules.match(text)
    assert match is not None and match.intent == "crisis"


@pytest.mark.parametrize(
    "text",
    [
        "vai var dzīvot kopā ilgstošajā tikšanās laikā?",
        "cik ilgi var runāt pa telefonu",
        "I can't go on Friday, can we move it?",
        "что взять с собой на свидание",
        "можно повесить трубку?",
        "Vai draudzene var nākt uz ģimenes dienu?",
        "how do I write a letter to a prisoner",
        "Vai bērns var apmeklēt tēti bez manis?",
        "Kad dēlu atbrīvos, kur viņš atradīs darbu?",  # QA, second pass
        "vai ir jēga vispār rakstīt sūdzību?",
        "cietums lika man samaksāt par zvaniem",
        "what is the last day to send a parcel before he is released?",  # QA, eighth pass
        "tomorrow is my last day at work, can we move the session?",
        "мой отец ушёл из жизни в прошлом году",  # a death told, not a wish to die
    ],
)
def test_ordinary_questions_are_not_crisis(rules: Rules, text: str) -> None:
    assert rules.crisis_phrase(text) is None, text


@pytest.mark.parametrize(
    ("text", "intent"),
    [
        ("/start", "greet"),
        ("/help", "help"),
        ("/menu", "help"),
        ("/human", "human_handoff"),
        ("/language", "change_language"),
        ("/mybooking", "my_bookings"),
        ("/delete_my_data", "delete_my_data"),
        ("/start@HelplineBot", "greet"),
        ("/visit_long", "visit_long"),
        ("/book_counselling", "book_counselling"),
        ("menu", "help"),
        ("Izvēlne", "help"),
        ("меню пожалуйста", "help"),
    ],
)
def test_commands_payloads_and_menu_words(rules: Rules, text: str, intent: str) -> None:
    match = rules.match(text)
    assert match is not None and match.intent == intent
    assert match.rule != "crisis"


def test_unknown_payload_is_left_to_the_model(rules: Rules) -> None:
    assert rules.match("/not_an_intent") is None


def test_payload_entities_in_rasa_syntax(rules: Rules) -> None:
    match = rules.match('/change_language{"language": "ru"}')
    assert match is not None and [(e.entity, e.value) for e in match.entities] == [("language", "ru")]


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("latviski", "lv"),
        ("по-русски", "ru"),
        ("po russki", "ru"),
        ("in English", "en"),
        ("angliski lūdzu", "en"),
        ("krieviski", "ru"),
        ("на латышском", "lv"),
        ("Lūdzu, rakstiet man krieviski", "ru"),
    ],
)
def test_language_switch_phrases(rules: Rules, text: str, language: str) -> None:
    match = rules.match(text)
    assert match is not None and match.intent == "change_language"
    assert [(e.entity, e.value) for e in match.entities] == [("language", language)]


@pytest.mark.parametrize(
    ("text", "language"),
    [
        # QA, tenth pass: the language named as the one not known was taken as the one asked for
        ("Sorry, I do not understand Latvian, can we speak English?", "en"),
        ("can you write in english, i dont understand latvian", "en"),
        ("es nerunāju krieviski, var latviski?", "lv"),
        ("ne latviski, bet krieviski", "ru"),
        ("я не понимаю по-латышски", None),  # none asked for: the bot asks which
        ("ya ne ponimayu po latyshski", None),
        ("I don't speak Latvian", None),
        ("es slikti saprotu latviski", None),
        ("cannot understand, english please", "en"),  # another clause: English is asked for
    ],
)
def test_a_language_the_person_does_not_know_is_not_the_one_asked_for(
    rules: Rules, text: str, language: str | None
) -> None:
    named = rules.language_mention(text)
    assert (named.value if named else None) == language


def test_a_question_about_letters_in_russian_is_not_a_language_switch(rules: Rules) -> None:
    assert rules.match("Vai vēstules drīkst rakstīt krieviski?") is None


# Wordings an exploratory QA pass found answered with an FAQ or "out of scope": a method got ready,
# hopelessness, fear of the person being released; with and without diacritics, Russian in both scripts.
MISSED_CRISIS = [
    # a rope
    "nopirku virvi",
    "Es jau nopirku virvi.",
    "nopirkusi virvi",
    "virvi jau nopirku",
    "купила верёвку",
    "купила веревку",
    "kupila verevku",
    "я уже достал верёвку",
    "I bought a rope",
    "i bought rope today",
    "got a noose ready",
    # pills put aside
    "tabletes sakrāju",
    "krāju tabletes jau mēnesi",
    "kraju tabletes",
    "накопила таблетки",
    "я накопила снотворного",
    "nakopila tabletki",
    "I saved up pills",
    "i have been saving up my sleeping pills",
    "I've been stockpiling my meds",
    # a goodbye letter
    "uzrakstīju atvadu vēstuli",
    "uzrakstiju atvadu vestuli",
    "uzrakstīju vēstuli, lai atvadītos",
    "gribu atvadīties no visiem",
    "написала прощальное письмо",
    "napisala proschalnoe pismo",
    "написал письмо, чтобы попрощаться",
    "хочу попрощаться со всеми",
    "i wrote a goodbye letter",
    "recorded a goodbye video for the kids",
    # hopelessness
    "kāda jēga no visa",
    "kada jega no visa",
    "Kāda jēga vispār?",
    "viss ir bezcerīgi",
    "какой во всём смысл",
    "kakoj vo vsem smysl",
    "ни в чём нет смысла",
    "жизнь потеряла смысл",
    "всё бессмысленно",
    "whats the point of anything",
    "what's the point anymore",
    "what is the point of living",
    "there's no point anymore",
    "life isn't worth living",
    "everything is pointless",
    # fear of the person being released
    "viņš teica, ka liks man samaksāt, kad iznāks",
    "vins teica ka liks man samaksat kad iznaks",
    "kad iznāks, viņš atriebsies",
    "man ir bail no viņa",
    "man ir ļoti bail",
    "он сказал, что я заплачу, когда он выйдет",
    "он сказал что отомстит когда выйдет",
    "on skazal chto otomstit kogda vyjdet",
    "ты за это заплатишь",
    "мне очень страшно",
    "я в ужасе",
    "боюсь его",
    "he said he'd make me pay when he gets out, i'm terrified",
    "he said hed make me pay when he gets out im terrified",
    "he says he'll make me pay once he's released",
    "he swore he would get back at me",
    "he wants revenge",
    "he'll come after me when he's out",
    "he will hurt me",
    "i'm scared of him",
    "im terrified",
    "i'm afraid of what he will do",
    # crisis wordings of the data the rules missed (the model alone caught them)
    "Es vairs neredzu izeju.",
    "man nav izejas",
    "I wish I was dead",
    "I'm going to jump",
    "he is hurting me",
    "I have a knife",
    "he's got a gun",
    # QA, eighth pass: with a day or a week before them the model read these as a booking
    "pirmdien es nogalināšos",
    "nakamnedel nogalinasos",
    "piektdien nonāvēšos",
    "nākamnedēļ gribu nogalināties",
    "15. datumā nogalināšos",
    "на следующей неделе уйду из жизни",
    "zavtra ujdu iz zhizni",
    "the 15th is my last day alive",
    "next week is my last night on earth",
    "nākamnedēļ es nomiršu",
    "nakamnedel es nomirsu",
    "bez viņa es nomiršu",
    "я скоро умру",
    "на следующей неделе я умру",
    "ya skoro umru",
    # bookings QA: read as cancelling a session by the model
    "не смогу больше",
    "не смогу так больше",
    "ne smogu bolshe",
    "я больше не смогу",
    "не смогу так больше жить",
    "I won't be here tomorrow",
    "i wont be here anymore",
    "I won't be around much longer",
    "nevarēšu to izturēt",
    "es to vairs nevaresu izturet",
    # QA, tenth pass: crisis wording beside shame, once shame was taught as hard feelings (or already)
    "man ir tik kauns, labāk nebūtu dzimusi",
    "man ir tik kauns, labak nebutu dzimis",
    "мне так стыдно, лучше бы я не родилась",
    "i am so ashamed i want to end it",
    "im so ashamed i wish i was never born",
    # QA, tenth pass: others beating or threatening him inside read as visits, first steps or children in
    # Latvian, and were the model's alone in Russian and English
    "viņu cietumā sit",
    "vinu cietuma sit",
    "vīru piekāva cietumā",
    "dels saka ka cietuma vinu apdraud citi",
    "сыну угрожают другие заключенные",
    "мужа в тюрьме избили",
    "he says other inmates threaten him",
    "my son is being beaten in prison",
]


@pytest.mark.parametrize("text", MISSED_CRISIS)
def test_a_method_hopelessness_and_fear_of_the_released_are_caught(rules: Rules, text: str) -> None:
    match = rules.match(text)
    assert match is not None and match.intent == "crisis", text


@pytest.mark.parametrize(
    "text",
    [
        # false positives of the crisis phrases, found by the same QA pass
        "mans dēls ir kamerā 113",
        "mans dels ir kamera 113",
        "dēls ir 112. kamerā, kā viņam aizsūtīt vēstuli?",
        "my son is in cell 112, how do I send him a letter",
        "сын в камере 113, как передать посылку?",
        "vai varu atnākt uz atvadu tikšanos",
        "vai varu atnakt uz atvadu tiksanos",
        "можно ли прощальное свидание перед этапом?",
        "gribu pazust uz nedēļu atvaļinājumā",
        "хочу исчезнуть на выходные к морю",
        "how do I change his emergency contact?",
        "I want to be listed as my son's emergency contact",
        "можно ли передать ножницы и нож для бритья?",
        "mozhno li peredat nozh dlya britya",
        "нужна скорая помощь с документами",
        "nuzhna skoraya pomosch s dokumentami",
        "es nomiršu no smiekliem",
        "я умру со смеху",
        "не выдержал экзамен",
        "ne vyderzhal ekzamen",
        # ordinary sentences next to the new phrases
        "es to izdarīšu rīt",
        "es tiešām to izdarīšu",
        "я всё равно это сделаю",
        "купила верёвку для белья, можно передать?",
        "nopirku veļas virvi",
        "can he have a knife in his cell?",
        "they make me pay for every call he makes",
        "what is the point of a short visit?",
        "kas mums jāizdara, pirms viņš atgriežas mājās",
        "как попасть на свидание к сыну",
        "где оплатить парковку",
        "запишите сына-подростка к психологу",
        # a session that cannot be attended (bookings QA)
        "не смогу больше прийти на консультацию",
        "не смогу прийти",
        "I won't be here tomorrow, can we move my session?",
        "I can't attend",
        "nevarēšu piedalīties",
        # QA, ninth pass: "let in" (ielaiž) is one letter from "break in" (ielauž*)
        "ko vajag lai mani ielaiž uz satikšanos",
        "vai mani ielaiz pie vira ar bernu",
        "kad ielaižot apmeklētājus, jāuzrāda pase?",
        # QA, tenth pass: "draud" is also what a sentence does ("he faces 10 years"); only "apdraud" or the
        # other prisoners as the ones who threaten make it a crisis
        "vīram draud 10 gadi cietumā",
        "ieslodzītajam draud disciplinārsods",
        "vai viņu var apciemot tur",
        "can other inmates see my letters",
    ],
)
def test_cell_numbers_farewell_visits_and_everyday_errands_are_not_crisis(rules: Rules, text: str) -> None:
    assert rules.crisis_phrase(text) is None, text


@pytest.mark.parametrize(
    "text",
    [
        "vai varu atnākt uz atvadu tikšanos? negribu vairs dzīvot",
        "uzrakstīju atvadu vēstuli, un rīt ir atvadu tikšanās",
        "dēls ir kamerā 113, zvaniet 112!",
        "emergency contact: he has a knife",
        "Emergency! Contact the police",
        "zvani uz numuru 112",
        "kāds ir manā dzīvoklī, 112!",
        "Kāds ielaužas! 112",
        "kāds ielaužas mājā",
        "kads ielauzas maja",
        "viņš ielauzās dzīvoklī",
        "нужна скорая помощь с документами, а я больше не могу жить",
        "хочу исчезнуть навсегда",
        "gribu pazust uz visiem laikiem",
        "прощальное письмо уже написала",
        # QA, seventh pass: the rest of the sentence carries the crisis
        "хочу исчезнуть на выходные и больше не возвращаться",
        "I want to disappear for the weekend and never come back",
        "gribu pazust uz nedēļu un vairs neatgriezties",
        "прощальное свидание — последнее, что я сделаю перед смертью",
        "прощальное свидание, после него мне незачем жить",
        "after the farewell visit I will end it",
    ],
)
def test_an_everyday_wording_does_not_hide_a_crisis_in_the_same_message(rules: Rules, text: str) -> None:
    assert rules.crisis_phrase(text) is not None, text


@pytest.mark.parametrize(
    "text",
    [
        "es tiešām to izdarīšu",
        "es tiesam to izdarisu",
        "я всё равно это сделаю",
        "ya vse ravno eto sdelayu",
        "I'll do it anyway",
    ],
)
def test_i_will_do_it_carries_a_crisis_on_only_where_one_was_said(rules: Rules, text: str) -> None:
    assert rules.after_crisis_phrase(text) is not None, text
    assert rules.crisis_phrase(text) is None, text  # on its own it is no cry for help


@pytest.mark.parametrize(
    "text",
    [
        "paldies",
        "labi, gaidīšu",
        "спасибо, жду",
        "thanks, I will wait",
        "ok",
        "labi, es tā arī izdarīšu – piezvanīšu uz 116123",  # the advice taken
        "ok, I will call them now, I will do that",
        "хорошо, я так и сделаю, позвоню",
    ],
)
def test_waiting_words_do_not_carry_a_crisis_on(rules: Rules, text: str) -> None:
    assert rules.after_crisis_phrase(text) is None, text


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("mans dēls cietumā grib sev kaut ko nodarīt", "prisoner_at_risk"),
        ("mans dels cietuma grib sev kaut ko nodarit", "prisoner_at_risk"),
        ("сын в тюрьме сказал, что покончит с собой", "prisoner_at_risk"),
        ("my son in prison says he wants to end it", "prisoner_at_risk"),
        ("virs mani sit", "violence"),
        ("muzh menya bjet", "violence"),
        ("боюсь мужа, он угрожает", "violence"),
        ("he said he'd make me pay when he gets out, i'm terrified", "violence"),
        ("negribu vairs dzīvot", None),
        ("I want to kill myself, nobody would miss me", None),  # the writer's own crisis: no advice added
        # QA, second pass: a threat from the person being released is violence, not a prisoner at risk;
        # the writer's own crisis with a prisoner mentioned is neither; "izbeigt" is not "izbivaet"
        ("viņš iznāks no cietuma un mani nogalinās", "violence"),
        ("my ex is getting out of jail next week and I am terrified of him", "violence"),
        ("муж выйдет из тюрьмы и убьёт меня", "violence"),
        ("es gribu nomirt, mans vīrs ir cietumā un es viena ar bērniem", None),
        ("хочу умереть, муж в тюрьме", None),
        ("I want to die, my husband is in prison", None),
        ("gribu visu izbeigt", None),
        ("izbeigšu visu šovakar", None),
        ("brālis cietumā mēģināja pakārties", "prisoner_at_risk"),
        # QA, third pass: a threat to himself is not violence; the writer's own wish to die stays theirs
        # even when a sentence before names someone; revenge and "coming after" are violence
        ("dēls cietumā draud, ka nogalināsies", "prisoner_at_risk"),
        ("сын в тюрьме угрожает покончить с собой", "prisoner_at_risk"),
        ("my son in prison threatens to kill himself", "prisoner_at_risk"),
        ("Mans vīrs ir cietumā. Viņa mamma saka, ka es esmu vainīga. Es gribu nomirt.", None),
        ("My son is in prison, he says it's my fault. I want to die", None),
        ("I want to die. Since my husband went to prison I am scared of my own thoughts", None),
        ("bijušais iznāca no cietuma un raksta, ka atriebsies man un bērniem", "violence"),
        ("бывший вышел из тюрьмы и пишет, что отомстит мне", "violence"),
        ("he gets out in a week and says he will come after me and the kids", "violence"),
        ("я больше не могу, хочу умереть", None),
        ("he threatens to kill me", "violence"),  # QA, sixth pass: it got the duty office advice
        ("my ex got out of prison and he is threatening to kill me", "violence"),
        ("he has a knife", "violence"),  # QA, sixth pass: a weapon, strangling, rape: the numbers, no advice
        ("он меня душил", "violence"),
        ("меня изнасиловали", "violence"),
        ("viņš ir ar nazi dzīvoklī", "violence"),
        ("my son in prison says he will kill himself", "prisoner_at_risk"),
        # QA, fourth pass: "bet" (Latvian "but", and "бьет" in Latin letters) and "sit" are everyday words
        ("labāk ne rīt, bet ceturtdien", None),
        ("gribu nomirt, bet nevaru pateikt nevienam", None),
        ("I sit here every night and want to die", None),
        ("меня бьёт муж", "violence"),
        ("муж бьёт детей", "violence"),
        ("viņš sit bērnus", "violence"),
        # QA, tenth pass: a threat from prison in the writer's own word order got the numbers, no advice
        ("viņš man draud no cietuma", "violence"),
        ("vins mani draud", "violence"),
        ("он мне угрожает из тюрьмы", "violence"),
        ("on mne ugrozhaet iz tyurmy", "violence"),
        ("he threatens me from prison", "violence"),
        ("my ex keeps threatening me from jail", "violence"),
        # QA, tenth pass: others beating or threatening him inside got the numbers but nothing about the
        # prison; a threat to the writer from prison stays violence (above)
        ("viņu cietumā sit", "harmed_inside"),
        ("dels saka ka cietuma vinu apdraud citi", "harmed_inside"),
        ("vīru piekāva cietumā", "harmed_inside"),
        ("его там избивают", "harmed_inside"),
        ("сыну угрожают другие заключенные", "harmed_inside"),
        ("ego tam izbivayut", "harmed_inside"),
        ("he says other inmates threaten him", "harmed_inside"),
        ("my son is being beaten in prison", "harmed_inside"),
        ("the guards beat him", "harmed_inside"),
    ],
)
def test_which_crisis_the_words_say(rules: Rules, text: str, kind: str | None) -> None:
    found = rules.crisis_kind(text)
    assert (found.value if found else None) == kind


@pytest.mark.parametrize(
    ("text", "leaves"),
    [
        ("gribu iziet no rindas", True),
        ("vairs nevajag koordinatoru, paldies", True),
        ("хочу выйти из очереди", True),
        ("vyjti iz ocheredi", True),
        ("I want to leave the queue", True),
        ("I don't need a coordinator anymore", True),
        # QA, third pass: these ask for a person, or are distress: they must not take anyone out
        ("man nevajag robotu, vajag cilvēku!", False),
        ("мне не нужен бот, нужен человек", False),
        ("мне никто не нужен, я плохой человек", False),
        ("I dont need a person to judge me, I need help with my son", False),
        ("gribu iziet no rindas, negribu vairs dzīvot", False),  # the crisis wins
    ],
)
def test_asking_to_leave_the_queue(rules: Rules, text: str, leaves: bool) -> None:
    assert (rules.leave_queue_phrase(text) is not None) is leaves, text


@pytest.mark.parametrize(
    ("text", "said"),
    [
        ("paldies, vairs nevajag", True),
        ("Vairs nevajag.", True),
        ("не нужно уже, спасибо", True),
        ("уже не надо", True),
        ("uzhe ne nado", True),
        ("never mind, I'm fine now", True),
        ("No longer needed, thank you", True),
        # QA, ninth pass: despair, or more than the words, is not "no longer needed"
        ("man vairs neko nevajag", False),
        ("мне уже ничего не надо", False),
        ("vairs nevajag dzīvot", False),
        ("vairs nevajag, negribu vairs dzīvot", False),  # the crisis wins
        ("paldies", False),
        ("nevajag", False),
        ("no longer needed to visit?", False),
    ],
)
def test_saying_the_coordinator_is_no_longer_needed(rules: Rules, text: str, said: bool) -> None:
    assert rules.no_longer_needed(text) is said, text


def test_no_strength_left_to_wait_is_impatience_not_a_crisis(rules: Rules) -> None:
    assert rules.crisis_phrase("cik ilgi vēl? man nav spēka gaidīt") is None
    assert rules.crisis_phrase("nav spēka gaidīt, gribu nomirt") is not None


@pytest.mark.parametrize(
    ("text", "intent"), [("😢😢😢", "feeling_low"), ("💔", "feeling_low"), ("😭 😭", "feeling_low")]
)
def test_only_sad_emoji_is_how_the_person_feels(rules: Rules, text: str, intent: str) -> None:
    match = rules.match(text)
    assert match is not None and match.intent == intent


@pytest.mark.parametrize(
    ("text", "intent"),
    [("👍", "affirm"), ("👌👌", "affirm"), ("🙏", "thanks"), ("❤️", "thanks"), ("🙏🙏🙏", "thanks"),
     ("😊", "thanks"), ("😢🙏", "feeling_low"), ("🙏 😭", "feeling_low")],
)  # fmt: skip
def test_a_thumbs_up_is_a_yes_and_folded_hands_or_a_heart_a_thank_you(
    rules: Rules, text: str, intent: str
) -> None:
    """After an answer, "👍" and "🙏" got "I did not understand", then the offer of a coordinator (QA s11);
    a sad emoji among them is still how the person feels."""
    match = rules.match(text)
    assert match is not None and match.intent == intent


@pytest.mark.parametrize("text", ["🤔", "😐", "😢 paldies", "👍 bet kā aizsūtīt paku?"])
def test_other_emoji_or_words_with_a_sad_emoji_are_left_to_the_model(rules: Rules, text: str) -> None:
    assert rules.match(text) is None


@pytest.mark.parametrize(
    ("text", "rest"),
    [
        ("Sveiki, kā var pieteikt tikšanos?", "kā var pieteikt tikšanos?"),
        ("Добрый день, подскажите как записаться на свидание", "подскажите как записаться на свидание"),
        ("hi, good morning, can I send a parcel?", "can I send a parcel?"),
        ("labu dienu! vai var zvanīt?", "vai var zvanīt?"),
        ("Labdien", None),
        ("hello hello", None),
        ("kā var pieteikt tikšanos? paldies, sveiki", None),  # a greeting at the end is not an opening
        # spoken forms (QA, ninth pass): "здрасте …" was read whole, as a greeting (0.35)
        ("здрасте у меня сын сидит, как передать вещи", "у меня сын сидит, как передать вещи"),
        ("Здрасьте! Можно позвонить сыну?", "Можно позвонить сыну?"),
        ("zdraste kak peredat posylku", "kak peredat posylku"),
        ("Доброго дня, подскажите про свидания", "подскажите про свидания"),
        ("dobrogo vechera kak otpravit dengi", "kak otpravit dengi"),
    ],
)
def test_the_words_after_an_opening_greeting(rules: Rules, text: str, rest: str | None) -> None:
    assert rules.after_greeting(text) == rest


@pytest.mark.parametrize(
    "text",
    [
        "Привет, пока",  # the model welcomed it, and "Sveiki, atā", while "Hi, bye" got the goodbye (QA)
        "privet, poka",
        "Здравствуйте, до свидания!",
        "Sveiki, atā",
        "Labdien, uz redzēšanos",
        "Čau, atā!",
        "Hi, bye",
        "Hello, bye bye",
        "hi, see you",
    ],
)
def test_a_greeting_then_only_a_farewell_is_a_goodbye(rules: Rules, text: str) -> None:
    match = rules.match(text)
    assert match is not None and match.intent == "goodbye"


@pytest.mark.parametrize(
    "text",
    [
        "Привет, пока не знаю, что спросить",  # "пока" is also "for now"
        "atā",  # a farewell alone is the model's (it says goodbye)
        "Sveiki",
        "bye, hi",
        "Hi, bye, I have one more question",  # more than a farewell: the model reads it whole
    ],
)
def test_other_greetings_and_farewells_are_left_to_the_model(rules: Rules, text: str) -> None:
    assert rules.match(text) is None


def test_crisis_words_after_a_greeting_and_a_farewell_are_still_a_crisis(rules: Rules) -> None:
    for text in (
        "Sveiki, atā, negribu vairs dzīvot",
        "Привет, пока, не хочу больше жить",
        "Hi, goodbye forever",
    ):
        match = rules.match(text)
        assert match is not None and match.intent == "crisis", text


@pytest.mark.parametrize(
    "text",
    ["gribu", "Nu, gribu!", "vajag", "jā, vajag", "хочу", "да, надо", "Sure, why not?", "I want", "I do"],
)
def test_a_whole_message_of_wanting_it_is_a_yes(rules: Rules, text: str) -> None:
    match = rules.match(text)  # "gribu" alone was read as a crisis, "sure, why not" as a no (QA, eighth pass)
    assert match is not None and match.intent == "affirm"


@pytest.mark.parametrize(
    "text", ["gribu aiziet", "хочу уйти", "хочу покоя", "I want out", "why not", "negribu"]
)
def test_wanting_something_more_is_left_to_the_model(rules: Rules, text: str) -> None:
    assert rules.match(text) is None  # the model reads "gribu aiziet" and "хочу уйти" as a crisis


def test_crisis_wording_with_wanting_is_still_a_crisis(rules: Rules) -> None:
    for text in ("gribu nomirt", "хочу умереть", "I want to die"):
        match = rules.match(text)
        assert match is not None and match.intent == "crisis", text


@pytest.mark.parametrize("text", ["hmm", "hm", "Hmmm...", "хм", "ммм", "mmm", "ēē", "uhm", "hmm hmm"])
def test_a_thinking_sound_alone_is_not_understood(rules: Rules, text: str) -> None:
    """QA, ninth pass: the model read "hm" and "hmm" as a yes, and the offer of a person queued them."""
    match = rules.match(text)
    assert match is not None and match.intent == FALLBACK, text


@pytest.mark.parametrize(
    "text", ["mhm", "угу", "ага", "aha", "hmm, ok", "hmm, jā", "hmm kā var satikt vīru?"]
)
def test_a_yes_sound_or_words_after_a_thinking_sound_are_not_taken_as_one(rules: Rules, text: str) -> None:
    match = rules.match(text)
    assert match is None or match.intent != FALLBACK, text


@pytest.mark.parametrize(
    "text",
    ["and?", "И?", "un?", "un vēl?", "kas vēl?", "а что ещё?", "и еще?", "what else?", "anything else?"],
)
def test_and_what_else_alone_asks_for_more(rules: Rules, text: str) -> None:
    """QA s9: the model read "and?" as hard feelings (0.64) and "и?" as a crisis (0.88)."""
    match = rules.match(text)
    assert match is not None and match.intent == "help", text


@pytest.mark.parametrize(
    "text", ["un vēl negribu dzīvot", "и еще я не хочу жить", "and i want to die", "а ещё я хочу умереть"]
)
def test_and_before_a_crisis_wording_is_still_a_crisis(rules: Rules, text: str) -> None:
    match = rules.match(text)
    assert match is not None and match.intent == "crisis", text
