"""First messages and follow-ups as frightened, ashamed or tired relatives type them (QA, ninth pass).

Prison named by what happened ("dēlu ielika", "его закрыли", "he got sent down"), a polite apology before
the question, voice-to-text without punctuation, no diacritics, Russian in Latin letters, two questions in
one message, a thank-you before the next question, "un vēl?". These sentences are a held-out set: they are
not in nlu/data (keep them out), so the table measures how the model meets wordings it was never shown.
Before this pass 221 of 251 of them were routed right; "un vēl?" got the crisis block, "ko vajag lai mani
ielaiž uz satikšanos" too, and "paldies, un kā ar zvaniem?" only a "you're welcome".
"""

from __future__ import annotations

import pytest

from nlu.embedded import EmbeddedClassifier
from tests.factories import replies_to
from tests.fakes import FakeSender

pytestmark = pytest.mark.slow

# text -> the intents that answer it ("a|b": either helps; crisis wordings must be crisis)
HELD_OUT: list[tuple[str, str]] = [
    # Latvian
    ("dēlu ielika, kā viņam var aizsūtīt paku", "parcels_money"),
    ("viņu paņēma vakar un es nezinu ko darīt", "first_steps"),
    ("vīrs sēž Jelgavā kā pie viņa var aizbraukt", "visit_rules"),
    ("kā aizsūtīt paku un kad var apciemot", "parcels_money|visit_rules"),
    ("ka var aizsutit naudu", "parcels_money"),
    (
        "Labdien, atvainojiet, ka traucēju, man ir jautājums par tikšanos ar brāli, kurš atrodas Olaines "
        "cietumā, kā to var pieteikt?",
        "visit_rules",
    ),
    ("es nezinu, kam vēl jautāt, dēls ir cietumā un man neviens nepalīdz", "first_steps|feeling_low"),
    ("vai viņš man var piezvanīt no cietuma", "phone_calls"),
    ("vai var rakstīt vēstules un kur tās sūtīt", "letters"),
    ("vīru drīz laidīs ārā, ko darīt", "release_preparation"),
    ("kad viņu izlaidīs ko vajag sagatavot", "release_preparation"),
    ("vīrs sēž un man nav naudas ar bērniem vai ir kāds pabalsts", "benefits_family"),
    ("vai pienākas kaut kāda palīdzība ģimenei kamēr vīrs cietumā", "benefits_family"),
    ("vajag advokātu bet nav naudas", "legal_help"),
    ("kur var uzzināt kurā cietumā viņš ir", "prison_contacts"),
    ("iecavas cietuma telefona numurs", "prison_contacts"),
    ("vai var palikt pa nakti pie vīra cietumā", "visit_long"),
    ("vai var runāt ar viņu pa video", "visit_video"),
    ("vai drīkst ņemt līdzi bērnus uz tikšanos", "visit_children"),
    ("kad ir ģimenes diena", "family_day"),
    ("man vajag ar kādu parunāt, psihologs", "psych_info"),
    ("viņu nosacīti atbrīvoja, kas tagad jādara probācijā", "probation"),
    ("kur viņš varēs strādāt kad iznāks", "employment"),
    ("labdien es gribētu zināt ko drīkst ielikt sūtījumā dēlam uz cietumu paldies", "parcels_money"),
    ("cik naudas var parskaitit uz cietumu", "parcels_money"),
    ("sveiki man dels sez olaine kad tur var braukt ciemos", "visit_rules"),
    ("meitu šodien aizturēja policija ko man darīt", "first_steps"),
    ("vīru paņēma policija, kur viņš tagad ir", "first_steps"),
    ("man ir tik kauns, visi kaimiņi zina", "feeling_low"),
    ("negribu vairs dzīvot kopš dēlu ielika", "crisis"),
    # the fresh set's two misses (QA s9 follow-ups: both "didn't understand")
    ("vakar vīru savāca policija un viņš vēl nav atgriezies ko darīt", "first_steps"),
    ("ar diviem bērniem palikusi viena kāds atbalsts pienākas", "benefits_family"),
    ("bērns raud katru vakaru, prasa kur ir tētis", "children_support"),
    ("kā var nosūtīt vēstuli uz cietumu", "letters"),
    ("viņš nezvana jau nedēļu", "lost_contact"),
    ("sveiki, kā var nosūtīt posylku dēlam", "parcels_money"),
    ("vinu atbrivo nakamnedel kas jadara", "release_preparation"),
    ("vai var dabūt pabalstu par apgādnieka zaudējumu ja vīrs cietumā", "benefits_family"),
    ("kur dabūt bezmaksas juristu", "legal_help"),
    ("cik ilgi var būt tikšanās un ko ņemt līdzi", "visit_rules"),
    ("brāli notiesāja uz 5 gadiem, ko tagad", "first_steps"),
    ("vai varu runāt ar cilvēku nevis robotu", "human_handoff"),
    ("dēls tagad sēž, ko man darīt", "first_steps"),
    ("labdien atvainojos par traucējumu gribēju pajautāt vai drīkst sūtīt apģērbu", "parcels_money"),
    (
        "labdien man ir jautajums mans dels atrodas cietuma un es gribetu vinam aizsutit kadu paciņu ar "
        "drebem un ediens ka to izdarit",
        "parcels_money",
    ),
    ("vakar vīru aizveda un tagad nekas nav zināms", "first_steps"),
    ("vai es varu aizbraukt pie viņa uz Olaini", "visit_rules"),
    ("gribu redzēt dēlu", "visit_rules"),
    ("vai drīkst iedot cigaretes", "parcels_money"),
    ("kā lai viņš man piezvana, viņam nav telefona", "phone_calls"),
    ("mazais prasa kad tētis nāks mājās ko lai viņam saka", "children_support"),
    ("viņam beidzas sods martā kas mums jākārto", "release_preparation"),
    ("palikām bez apgādnieka vīrs sēž ko var dabūt no sociālā dienesta", "benefits_family"),
    ("es vairs nevaru, esmu tik nogurusi no visa šitā", "crisis|feeling_low"),
    ("vai vēstules viņi izlasa", "letters"),
    ("kā ieskaitīt naudu uz viņa kontu cietumā", "parcels_money"),
    ("ko vajag lai mani ielaiž uz satikšanos", "visit_rules"),
    ("brālis apcietinājumā ko tālāk", "first_steps"),
    (
        "labdien es atvainojos ka rakstu tik vēlu bet man ļoti vajag zināt "
        "kā es varu satikt savu dēlu viņš ir cietumā jau divas nedēļas",
        "visit_rules",
    ),
    ("man ir kauns jautāt bet mans vīrs ir cietumā un es nezinu ko darīt", "first_steps|feeling_low"),
    ("ka nosutit paciņu uz cietumu", "parcels_money"),
    ("var aizsutit naudu uz cietumu", "parcels_money"),
    ("vai bērni var braukt man līdzi pie tēta", "visit_children"),
    ("kā lai bērnam izskaidro kur ir tētis", "children_support"),
    ("bērnudārzā jautā kur tētis ko teikt", "children_support"),
    ("vīru atbrīvo ko darīt ar dokumentiem", "release_preparation"),
    ("nav naudas īrei vīrs sēž", "benefits_family"),
    ("mans dēls sēž Olainē, kā var tikt pie viņa uz tikšanos un ko var atvest", "visit_rules"),
    ("kāds ir jelgavas cietuma telefons", "prison_contacts"),
    ("man vajag ar kādu parunāt par šo visu", "psych_info|human_handoff"),
    ("vīru aizturēja, kas notiks tālāk", "first_steps"),
    ("sveiki kā dēlam var nosūtīt peredačku", "parcels_money"),
    ("tēvu arestēja", "first_steps|children_support"),  # maybe a child writing
    ("vai var aizsūtīt naudu un cik bieži drīkst zvanīt", "parcels_money|phone_calls"),
    ("kā dabūt advokātu par brīvu", "legal_help"),
    ("videozvans ar cietumu kā pieteikt", "visit_video"),
    # Russian
    ("сына посадили что теперь делать", "first_steps"),
    ("его закрыли вчера, я не знаю куда звонить", "first_steps"),
    ("муж на зоне, как к нему съездить", "visit_rules"),
    ("муж сидит в Елгаве как передать передачу", "parcels_money"),
    ("как отправить посылку и когда можно на свидание", "parcels_money|visit_rules"),
    ("kak perevesti dengi synu v tjurmu", "parcels_money"),
    ("Здравствуйте, извините что беспокою, у меня вопрос, как записаться на свидание с сыном", "visit_rules"),
    ("мне стыдно спрашивать но сын сидит и я не знаю что делать", "first_steps|feeling_low"),
    ("скока раз в неделю можно звонить", "phone_calls"),
    ("мужа скоро выпускают что нужно подготовить", "release_preparation"),
    ("когда он освободится где ему жить", "release_preparation"),
    ("муж сидит денег нет с детьми какие пособия положены", "benefits_family"),
    ("нужен адвокат бесплатно", "legal_help"),
    ("можно ли длительное свидание с ночевкой", "visit_long"),
    ("можно по видео с ним поговорить", "visit_video"),
    ("можно ли взять детей на свидание", "visit_children"),
    ("когда день семьи в тюрьме", "family_day"),
    ("мне нужен психолог", "psych_info"),
    ("его отпустили условно досрочно что теперь с пробацией", "probation"),
    ("где он сможет работать после освобождения", "employment"),
    ("здравствуйте подскажите пожалуйста что можно положить в передачу сыну спасибо", "parcels_money"),
    ("сколько денег можно перевести на счет", "parcels_money"),
    ("privet muzh sidit v olaine kak tuda priehat", "visit_rules"),
    ("дочь задержала полиция что мне делать", "first_steps"),
    ("мне так стыдно перед соседями", "feeling_low"),
    ("не хочу жить после того как сына посадили", "crisis"),
    ("ребенок плачет спрашивает где папа", "children_support"),
    ("он не звонит уже неделю", "lost_contact"),
    ("labdien, как отправить деньги", "parcels_money"),
    ("как записатся на свиданку", "visit_rules"),
    ("osvobozhdaetsja na sleduyushej nedele chto delat", "release_preparation"),
    ("положена ли помощь семье пока муж в тюрьме", "benefits_family"),
    ("где найти юриста бесплатно", "legal_help"),
    ("брата осудили на 5 лет что теперь", "first_steps"),
    ("можно поговорить с живым человеком", "human_handoff"),
    ("сел сын, что делать", "first_steps"),
    ("сколько длится свидание и что взять с собой", "visit_rules"),
    ("syna zabrali v policiju chto delat", "first_steps"),
    ("здрасте у меня сын сидит хочу ему отправить вещи и еду как это сделать подскажите", "parcels_money"),
    ("вчера мужа забрали и ничего не говорят", "first_steps"),
    ("можно к нему приехать в олайне", "visit_rules"),
    ("как ему позвонить у него нет телефона", "phone_calls"),
    ("малой спрашивает когда папа вернется что ему сказать", "children_support"),
    ("у него срок кончается в марте что нам оформлять", "release_preparation"),
    ("остались без кормильца муж сидит что можно получить в соцслужбе", "benefits_family"),
    ("я больше не могу, так устала от всего этого", "crisis|feeling_low"),
    ("как положить деньги ему на счет в тюрьме", "parcels_money"),
    ("что нужно чтобы меня пустили на свидание", "visit_rules"),
    ("брат под арестом что дальше", "first_steps"),
    (
        "здравствуйте извините что так поздно пишу но мне очень нужно "
        "узнать как увидеться с сыном он уже две недели в тюрьме",
        "visit_rules",
    ),
    ("мне стыдно спрашивать но муж в тюрьме и я не знаю что делать", "first_steps|feeling_low"),
    ("kak peredat posylku v tjurmu", "parcels_money"),
    ("mozhno otpravit dengi v tyurmu", "parcels_money"),
    ("могут ли дети поехать со мной к папе", "visit_children"),
    ("в садике спрашивают где папа что говорить", "children_support"),
    ("мужа освобождают что делать с документами", "release_preparation"),
    ("нечем платить за квартиру муж сидит", "benefits_family"),
    ("сын сидит в Олайне, как к нему попасть на свидание и что можно привезти", "visit_rules"),
    ("какой телефон у елгавской тюрьмы", "prison_contacts"),
    ("мне нужно с кем-то поговорить обо всем этом", "psych_info|human_handoff"),
    ("мужа задержали, что будет дальше", "first_steps"),
    ("labdien, как передать передачку сыну", "parcels_money"),
    ("отца арестовали", "first_steps"),
    ("можно ли отправить деньги и как часто можно звонить", "parcels_money|phone_calls"),
    ("как получить бесплатного адвоката", "legal_help"),
    # English
    ("my son got locked up what do i do", "first_steps"),
    ("he got sent down yesterday, no idea what to do", "first_steps"),
    ("my husband is inside in jelgava, how do i visit him", "visit_rules"),
    ("how do I send a parcel and when can I visit", "parcels_money|visit_rules"),
    ("how can i send him money", "parcels_money"),
    (
        "Hello, sorry to bother you, I have a question about visiting my brother who is in Olaine prison, "
        "how do I arrange it?",
        "visit_rules",
    ),
    ("how do i tell my kid their dad is in prison", "children_support"),
    ("I don't know who else to ask, my son is in jail", "first_steps|feeling_low"),
    ("can he call me from prison", "phone_calls"),
    ("how often can he phone", "phone_calls"),
    ("can i write to him, where do letters go", "letters"),
    ("he gets out soon what should we prepare", "release_preparation"),
    ("when he's released where will he live", "release_preparation"),
    ("my partner is in jail and i have no money for the kids is there any benefit", "benefits_family"),
    ("need a lawyer but can't pay", "legal_help"),
    ("how do i find out which prison he's in", "prison_contacts"),
    ("phone number for olaine prison", "prison_contacts"),
    ("can i bring the kids to the visit", "visit_children"),
    ("when is the family day", "family_day"),
    ("i need someone to talk to, is there a psychologist", "psych_info"),
    ("i want to book a session with the psychologist", "book_counselling"),
    ("he got early release on probation, what now", "probation"),
    ("will he be able to find work after prison", "employment"),
    ("hi i wanted to ask what i can put in a package for my son thank you", "parcels_money"),
    ("how much money can i transfer", "parcels_money"),
    ("hi my boyfriend is banged up in olaine when can i go see him", "visit_rules"),
    ("police took my daughter today what do i do", "first_steps"),
    ("i'm so ashamed, everyone knows", "feeling_low"),
    ("i don't want to live anymore since they took him", "crisis"),
    ("my daughter keeps crying asking where daddy is", "children_support"),
    ("he hasn't called in a week", "lost_contact"),
    ("how to send a letter to an inmate", "letters"),
    ("how do i book a visit wiht my husband", "visit_rules"),
    ("hes getting out next week what do we need to do", "release_preparation"),
    ("is there any support for families while he is inside", "benefits_family|psych_info"),
    ("where can i get free legal advice", "legal_help"),
    ("my brother got 5 years, what now", "first_steps"),
    ("my son's been remanded, what happens now", "first_steps"),
    ("how long is a visit and what can i bring", "visit_rules"),
    ("can i send him clothes", "parcels_money"),
    ("my husband got nicked last night", "first_steps"),
    (
        "hi i have a question my son is in prison and i would like to send him some clothes and food how "
        "do i do that",
        "parcels_money",
    ),
    ("they took my husband away yesterday and nobody tells us anything", "first_steps"),
    ("can i go see him in olaine", "visit_rules"),
    ("i want to see my son", "visit_rules"),
    ("can i give him cigarettes", "parcels_money"),
    ("how can he ring me he has no phone", "phone_calls"),
    ("my little one asks when daddy is coming home what do i tell him", "children_support"),
    ("his sentence ends in march what do we need to sort out", "release_preparation"),
    ("we lost our breadwinner he's inside what can we get from social services", "benefits_family"),
    ("i cant do this anymore im so tired of all of it", "crisis|feeling_low"),
    ("do they read the letters", "letters"),
    ("how do i put money on his account in prison", "parcels_money"),
    ("what do i need to be let in for a visit", "visit_rules"),
    ("my brother is on remand whats next", "first_steps"),
    (
        "hello sorry for writing so late but i really need to know "
        "how i can see my son hes been in prison for two weeks",
        "visit_rules",
    ),
    (
        "im embarrassed to ask but my husband is in prison and i dont know what to do",
        "first_steps|feeling_low",
    ),
    ("how to send a package to prison", "parcels_money"),
    ("can you send money to prison", "parcels_money"),
    ("can the kids come with me to see their dad", "visit_children"),
    ("how do i explain to my child where dad is", "children_support"),
    ("nursery keeps asking where dad is what do i say", "children_support"),
    ("why isnt he calling", "phone_calls|lost_contact"),
    ("my husband is being released what about his documents", "release_preparation"),
    ("cant pay the rent my partner is inside", "benefits_family"),
    ("my son is in olaine, how do i get a visit and what can i bring him", "visit_rules"),
    ("whats the phone number of jelgava prison", "prison_contacts"),
    ("i need to talk to someone about all this", "psych_info|human_handoff"),
    ("my husband was detained, what happens next", "first_steps"),
    ("hiya how do i get stuff to my lad inside", "parcels_money"),
    ("my dad got arrested", "first_steps"),
    ("can i send money and how often can he call", "parcels_money|phone_calls"),
    ("how do i get a free lawyer", "legal_help"),
    ("how do i book a video visit", "visit_video"),
    ("осталась одна с двумя детьми какая помощь положена", "benefits_family"),
    # QA, tenth pass: worried, ashamed, angry or exhausted, typed as it comes (not in nlu/data either)
    ("vins nezvana jau nedelu", "lost_contact"),
    ("ko darīt ja nav ziņu no dēla", "lost_contact"),
    ("jau divas nedēļas nav nekādu ziņu no vīra ko man darīt", "lost_contact"),
    ("dels nav zvanijis kops menesa sakuma es uztraucos", "lost_contact"),
    (
        "labdien man ir jautajums mans vīrs ir olaines cietuma un jau trīs nedēļas nav zvanījis es nezinu "
        "vai viņam viss kārtībā ko man darīt",
        "lost_contact",
    ),
    (
        "sveiki dels sez jau gadu un pedeja laika vins vispar neatbild uz vestulem es loti uztraucos",
        "lost_contact",
    ),
    ("on ne zvonit uzhe nedelu", "lost_contact"),
    ("сын не выходит на связь 10 дней что делать", "lost_contact"),
    ("ot muzha net vestej uzhe dve nedeli", "lost_contact"),
    (
        "здравствуйте у меня брат в тюрьме он не звонит уже месяц раньше звонил каждую неделю что могло "
        "случиться куда обращаться",
        "lost_contact",
    ),
    ("I haven't heard from him in 10 days", "lost_contact"),
    ("havent heard from my son in 2 weeks what do i do", "lost_contact"),
    ("he stopped calling and i dont know whats going on", "lost_contact"),
    ("no news from my husband since he was moved", "lost_contact|first_steps"),
    ("kaimiņi runā", "feeling_low"),
    ("man kauns iet uz veikalu visi skatās", "feeling_low"),
    ("kauns teikt darba ka virs cietuma", "feeling_low"),
    ("все знают и смотрят на меня", "feeling_low"),
    ("стыдно сказать на работе что муж сидит", "feeling_low"),
    ("im so ashamed everyone knows", "feeling_low"),
    ("esmu tik nogurusi no visa si", "feeling_low"),
    ("esmu nogurusi, strādāju divos darbos un vēl jābrauc pie viņa", "feeling_low"),
    ("ja ustala, rabotayu na dvuh rabotah i eshe k nemu ezdit", "feeling_low"),
    (
        "я больше не могу с ним разговаривать",
        "feeling_low|crisis",
    ),  # hard feelings; a crisis is the safe miss
    ("nevaru vairs ar viņu runāt viņš tikai kliedz", "feeling_low|crisis"),
    ("i cant talk to him anymore he just shouts at me", "feeling_low|crisis"),
    ("im so tired of being strong for everyone", "feeling_low"),
    ("sievai nav naudas ko est", "benefits_family"),
    ("нет денег даже на еду", "benefits_family"),
    ("net deneg na dorogu do tyurmy", "benefits_family"),
    ("we have no money for the trip", "benefits_family"),
    ("nav naudas aizbraukt pie vīra", "benefits_family"),  # the visits answer (QA, tenth pass)
    ("man nav naudas lai aizbrauktu uz tiksanos", "benefits_family"),
    ("i cant afford the trip to visit him", "benefits_family"),
    ("jūs visi esat vienādi", "complaint"),
    ("jus neko nezinat", "complaint"),
    ("вы все одинаковые никто не помогает", "complaint"),
    ("никто не помогает только отписки", "complaint"),
    ("вы издеваетесь что ли", "complaint"),
    ("useless bot", "complaint"),
    ("you people never help", "complaint"),
    ("viņš man raksta ka grib šķirties", "legal_help"),  # read as a crisis (0.74)
    ("он хочет развестись со мной из тюрьмы", "legal_help"),
    ("mums atņems dzīvokli ja nemaksāsim", "benefits_family"),
    ("нас выселят за долги мужа", "benefits_family"),  # read as a crisis (0.38)
    ("это я виновата что он сел", "feeling_low"),
    ("its my fault hes in there", "feeling_low"),
    ("nu kāpēc tas notika ar mums", "feeling_low"),
    ("ничего не понимаю что происходит", "first_steps|help"),  # "didn't understand"
    ("es neko nesaprotu kas notiek", "first_steps|help"),  # "Sapratu" (the reply to "no")
    ("viņš ir slims un cietumā neārstē", "legal_help"),  # complaints: IeVP, then the court; the Ombudsman
    ("сын болеет а в тюрьме не лечат", "legal_help"),
    ("he is sick and they dont treat him in prison", "legal_help"),
    # QA, tenth pass (hardnews): still "I did not understand", or release preparation
    ("viņš ir slims un netiek ārstēts", "legal_help"),
    ("vins ir slims un netiek arstets", "legal_help"),
    ("его в тюрьме не лечат", "legal_help"),
    ("my husband needs a doctor but the prison ignores him", "legal_help"),
    # a death or a grave illness in the family: the legal-aid, children's or visits answer before
    ("viņa tēvs nomira vai viņš var atbraukt uz bērēm", "family_emergency"),
    ("vīra māte ir mirstoša vai viņu var palaist atvadīties", "family_emergency"),
    ("kā paziņot ieslodzītajam par tuvinieka nāvi", "family_emergency"),
    ("u nego umer otec otpustyat li na pohorony", "family_emergency"),
    ("как сообщить сыну в тюрьме что умерла бабушка", "family_emergency"),
    ("his father died can he go to the funeral", "family_emergency"),
    ("can prisoners get leave for a funeral", "family_emergency"),
    # others beating him inside: first steps before
    ("vīru piekāva cietumā", "crisis"),
    ("мужа в тюрьме избили", "crisis"),
    ("vins nezvana jau nedelu un es vairs nevaru izturēt", "crisis"),
    ("он не звонит неделю я больше не хочу жить", "crisis"),
    ("he hasnt called in a week and i want to die", "crisis"),
    ("man ir tik kauns ka gribu pazust", "crisis"),
    ("i am so ashamed i want to end it", "crisis"),
    ("viņš man draud no cietuma", "crisis"),
    ("he threatens me from prison", "crisis"),
    # what people write after an answer
    ("un vēl?", "help"),
    ("и еще?", "help"),
    ("anything else?", "help"),
    ("bet ja viņš ir Olainē?", "prison_contacts"),
    ("а если он в Олайне?", "prison_contacts"),
    ("what if he is in olaine?", "prison_contacts"),
    ("paldies, un kā ar zvaniem?", "phone_calls"),
    ("спасибо, а звонить он может?", "phone_calls"),
    ("thanks, and what about calls?", "phone_calls"),
    ("paldies, bet vēstules?", "letters"),
    ("спасибо, а как со свиданиями?", "visit_rules"),
    ("thank you, and parcels?", "parcels_money"),
]


def test_how_relatives_write_is_understood(classifier: EmbeddedClassifier) -> None:
    """One table, so a miss shows every sentence that went wrong at once (and how many)."""
    wrong = []
    for text, expected in HELD_OUT:
        parsed = classifier.parse_sync(text)
        if parsed.intent not in expected.split("|"):
            wrong.append(f"{text!r}: {parsed.intent} {parsed.confidence:.2f}, wanted {expected}")
    assert not wrong, f"{len(wrong)} of {len(HELD_OUT)} misrouted:\n" + "\n".join(wrong)


say = replies_to  # one message in, what the person is sent


@pytest.mark.parametrize(
    ("text", "first", "second"),
    [
        ("kā aizsūtīt paku un kad var apciemot", "LV15TREL8190468041000", "Tikšanās ir divu veidu"),
        (
            "ka var aizsutit naudu un cik bieži drīkst zvanīt",
            "LV15TREL8190468041000",
            "Ieslodzītais var zvanīt",
        ),
        ("как отправить посылку и когда можно на свидание", "LV15TREL8190468041000", "Свидания бывают двух"),
        ("kak otpravit posylku i kogda mozhno na svidanie", "LV15TREL8190468041000", "Свидания бывают двух"),
        (
            "how do I send a parcel and when can I visit",
            "LV15TREL8190468041000",
            "There are two kinds of visit",
        ),
    ],
)
async def test_two_questions_in_one_message_get_both_answers(
    make_app, classifier: EmbeddedClassifier, sender: FakeSender, text: str, first: str, second: str
):
    app = await make_app(classifier=classifier)
    answers = await say(app, sender, text, user="two-1")
    assert len(answers) == 2
    assert first in answers[0].text and second in answers[1].text
    assert not answers[0].buttons and answers[1].buttons  # the next questions under the last answer


@pytest.mark.parametrize(
    "text",
    [
        "kā aizsūtīt vēstuli",
        "vīrs sēž un man nav naudas ar bērniem vai ir kāds pabalsts",
        "мужа скоро выпускают",
    ],
)
async def test_one_question_gets_one_answer(
    make_app, classifier: EmbeddedClassifier, sender: FakeSender, text: str
):
    app = await make_app(classifier=classifier)
    assert len(await say(app, sender, text, user="one-1")) == 1


@pytest.mark.parametrize(
    ("follow_up", "expected"),
    [
        ("un vēl?", "Vēstules"),  # the parcels answer's next questions, not the crisis block and a hand-off
        ("paldies, un kā ar zvaniem?", "Ieslodzītais var zvanīt"),
        (
            "bet ja viņš ir Olainē?",
            "Olaines cietums",
        ),  # its contacts are not sourced: says where to find them
    ],
)
async def test_what_people_write_after_an_answer(
    make_app, classifier: EmbeddedClassifier, sender: FakeSender, follow_up: str, expected: str
):
    app = await make_app(classifier=classifier)
    await say(app, sender, "kā aizsūtīt paku dēlam", user="after-1")
    answers = await say(app, sender, follow_up, user="after-1")
    said = " ".join(a.text + " ".join(b.label for b in a.buttons) for a in answers)
    assert expected in said and "116123" not in said


@pytest.mark.parametrize(
    ("first", "follow_up", "expected"),
    [
        ("kā var satikt vīru cietumā?", "ko nemt lidzi?", "pasi vai ID karti"),
        ("как увидеть сына в тюрьме?", "а что взять с собой?", "паспорт или ID-карту"),
        ("how can I visit my son in prison?", "what do i need to bring?", "passport or ID card"),
    ],
)
async def test_what_to_bring_after_the_visits_answer(
    make_app, classifier: EmbeddedClassifier, sender: FakeSender, first: str, follow_up: str, expected: str
):
    """Journeys QA (s11): "а что взять с собой?" right after the visits answer got "I did not understand"
    (the model was unsure, and weighed the crisis at 0.26 for "с собой"), and so did "what do I need to
    bring?"; a relative packing for the trip needs the passport or ID card."""
    app = await make_app(classifier=classifier)
    await say(app, sender, first, user="bring-1")
    answers = await say(app, sender, follow_up, user="bring-1")
    said = " ".join(a.text for a in answers)
    assert expected in said and "116123" not in said


@pytest.mark.parametrize(
    ("text", "topic", "there"),
    [
        ("mans dels ir brasas cietuma, ka vinu apciemot?", "Tikšanās ir divu veidu", "slēgts kopš 2019"),
        ("сын в Брасе, как с ним увидеться?", "Свидания бывают двух", "закрыта с 1 апреля 2019"),
        ("my husband is in Jelgava prison, how can I visit him?", "two kinds of visit", "13:00–13:45"),
        ("vīrs sēž Jelgavā, kā pieteikt tikšanos?", "Tikšanās ir divu veidu", "13:00–13:45"),
    ],
)
async def test_a_prison_named_in_the_question_gets_what_is_known_there(
    make_app, classifier: EmbeddedClassifier, sender: FakeSender, text: str, topic: str, there: str
):
    """Journeys QA (s11): "mans dēls ir Brasas cietumā, kā viņu apciemot?" got the general visits answer and
    not a word that Brasa closed in 2019 (a trip for nothing); Jelgava's own visiting hours came only when
    the prison was named after the answer. Named in the question, the prison's own facts come with it."""
    app = await make_app(classifier=classifier)
    answers = await say(app, sender, text, user="named-1")
    said = " ".join(a.text for a in answers)
    assert topic in said and there in said
    assert answers[-1].buttons  # the next questions still under the last message


async def test_naming_iluciems_in_a_question_about_children_says_its_unit_once(
    make_app, classifier: EmbeddedClassifier, sender: FakeSender
):
    """The answer about children on visits already says that Iļģuciems has the mother-and-child unit; with
    Iļģuciems named in the question the prison's own note followed and said it again (review of s11)."""
    app = await make_app(classifier=classifier)
    answers = await say(
        app, sender, "sieva ir Iļģuciema cietumā, vai drīkst ņemt līdzi bērnus uz tikšanos?", user="ilg-1"
    )
    said = " ".join(a.text for a in answers)
    assert "Bērnus var ņemt līdzi" in said and said.count("mātes un bērna nodaļa") == 1
    assert answers[-1].buttons
