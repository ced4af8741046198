"""The demo site's text, as data. Written for Kanal in the spirit of municipal
school-development units; every name, address and video id is fictional."""

# ruff: noqa: E501

ORGANISATION_UNIT = {
    "name": "Utvecklingsenheten, Förskola och skola",
    "visiting_address": "Kanalgatan 12\n123 45 Åbyholm",
    "postal_address": "Box 400\n123 80 Åbyholm",
    "phone": "0123-45 67 00",
    "email": "utvecklingsenheten@abyholm.example",
    "opening_hours": "Måndag–torsdag 8.00–16.30\nFredag 8.00–15.00\nLunchstängt 12.00–13.00",
}

PEOPLE = [
    {
        "key": "lena",
        "name": "Lena Håkansson",
        "role": "Utvecklingsledare, språk och lärande",
        "email": "lena.hakansson@abyholm.example",
        "phone": "0123-45 67 11",
        "colour": (46, 111, 139),
    },
    {
        "key": "omar",
        "name": "Omar Yilmaz",
        "role": "Förstelärare i matematik",
        "email": "omar.yilmaz@abyholm.example",
        "phone": "0123-45 67 12",
        "colour": (176, 90, 52),
    },
    {
        "key": "karin",
        "name": "Karin Ek Sundberg",
        "role": "Verksamhetsutvecklare, ledarskap",
        "email": "karin.eksundberg@abyholm.example",
        "phone": "0123-45 67 13",
        "colour": (90, 120, 60),
    },
    {
        "key": "jonas",
        "name": "Jonas Lindqvist",
        "role": "IKT-pedagog",
        "email": "jonas.lindqvist@abyholm.example",
        "phone": "0123-45 67 14",
        "colour": (110, 70, 140),
    },
    {
        "key": "maria",
        "name": "Maria Alvarez Berg",
        "role": "Specialpedagog, inkluderande lärmiljöer",
        "email": "maria.alvarezberg@abyholm.example",
        "phone": "0123-45 67 15",
        "colour": (150, 50, 90),
    },
]

THEMES = [
    {
        "name": "Språk- och kunskapsutveckling",
        "slug": "sprak-och-kunskapsutveckling",
        "colour": "#1f6f8b",
        "icon": "openquote",
        "description": "Hur vi arbetar med språket i alla ämnen så att varje elev kan ta del av undervisningen.",
        "aliases": ["SKUA", "språkutveckling", "språkutvecklande arbetssätt", "flerspråkighet"],
    },
    {
        "name": "Att möta olikheter",
        "slug": "att-mota-olikheter",
        "colour": "#96325a",
        "icon": "group",
        "description": "Tillgängliga lärmiljöer där olikheter är det normala.",
        "aliases": ["AMO", "inkludering", "NPF", "tillgänglig lärmiljö"],
    },
    {
        "name": "Ledarskap",
        "slug": "ledarskap",
        "colour": "#5a783c",
        "icon": "user",
        "description": "Rektorers, förskolechefers och lärares ledarskap för lärande.",
        "aliases": ["skolledning", "pedagogiskt ledarskap", "rektor"],
    },
    {
        "name": "Matematik",
        "slug": "matematik",
        "colour": "#b05a34",
        "icon": "table",
        "description": "Undervisning i matematik från förskola till gymnasium.",
        "aliases": ["matte", "matematikdidaktik", "problemlösning"],
    },
    {
        "name": "Digital kompetens",
        "slug": "digital-kompetens",
        "colour": "#6e468c",
        "icon": "desktop",
        "description": "Digitala verktyg och källkritik i undervisningen.",
        "aliases": ["IKT", "digitalisering", "AI i skolan", "programmering"],
    },
    {
        "name": "Systematiskt kvalitetsarbete",
        "slug": "systematiskt-kvalitetsarbete",
        "colour": "#2d5a7b",
        "icon": "tasks",
        "description": "Att följa upp, analysera och utveckla verksamheten tillsammans.",
        "aliases": ["SKA", "kvalitetsarbete", "uppföljning"],
    },
    {
        "name": "Bemötande och värdegrund",
        "slug": "bemotande-och-vardegrund",
        "colour": "#c08a1e",
        "icon": "help",
        "description": "De dagliga mötena med barn, elever, vårdnadshavare och kollegor.",
        "aliases": ["värdegrund", "bemötande", "likabehandling"],
    },
]

HOME = {
    "title": "Utvecklingsenheten",
    "intro": "Vi stöttar förskolor och skolor i Åbyholm att utveckla undervisningen – genom nätverk, utvecklingsgrupper, föreläsningar och kollegialt lärande.",
    "body": "<p>Här hittar du våra pågående program, nyheter från verksamheterna och filmer som du kan använda på arbetsplatsträffar.</p>",
}
HOME_EN = {
    "title": "Development Unit",
    "intro": "We support the preschools and schools of Åbyholm in developing their teaching.",
    "body": "<p>A selection of our programs, news and films, in English.</p>",
}

INDEXES = {
    "articles": {
        "title": "Aktuellt",
        "slug": "aktuellt",
        "intro": "Nyheter, reportage och blogginlägg från förskolor och skolor.",
    },
    "videos": {
        "title": "Filmer",
        "slug": "filmer",
        "intro": "Korta filmer att titta på och samtala kring i arbetslaget.",
    },
    "programs": {
        "title": "Program",
        "slug": "program",
        "intro": "Våra långsiktiga satsningar på kompetensutveckling.",
    },
}

PROGRAMS = [
    {
        "slug": "motet-i-vardagen",
        "title": "Mötet i vardagen",
        "summary": "En samtalsserie för all personal i förskola och skola om de tusentals små möten som varje dag formar barns och elevers lärande – och vårdnadshavares förtroende.",
        "goals": "<p>Efter samtalsserien ska deltagarna kunna</p><ul><li>beskriva hur det egna bemötandet påverkar lärandet,</li><li>använda ett gemensamt språk för att reflektera över svåra möten,</li><li>leda ett kollegialt samtal på den egna arbetsplatsen.</li></ul>",
        "target_audience": ["preschool", "compulsory", "after_school", "principals"],
        "format": "lecture_series",
        "start_date": "2025-08-18",
        "end_date": "2027-06-11",
        "themes": ["bemotande-och-vardegrund", "ledarskap"],
        "tags": ["samtalsserie", "kollegialt lärande", "vårdnadshavare"],
        "contacts": ["karin", "maria"],
        "meetings": [
            ("2025-09-24 14:00", "Aulan, Kanalskolan", "Vad är ett gott möte?"),
            ("2025-11-19 14:00", "Aulan, Kanalskolan", "Mötet med vårdnadshavare"),
            ("2026-02-11 14:00", "Digitalt via Teams", "När mötet blir svårt"),
            ("2026-04-22 14:00", "Stadsbiblioteket, hörsalen", "Möten mellan kollegor"),
        ],
        "materials": [
            "Samtalsunderlag – träff 1",
            "Reflektionsfrågor för arbetslaget",
            "Loggbok för goda möten",
        ],
    },
    {
        "slug": "spraket-bar-larandet",
        "title": "Språket bär lärandet",
        "summary": "Ett treårigt nätverk för lärare som vill göra undervisningen i alla ämnen mer språk- och kunskapsutvecklande.",
        "goals": "<p>Nätverket ska ge varje deltagande skola</p><ul><li>minst två lärare som kan stödja kollegor i SKUA,</li><li>en plan för hur stöttning och cirkelmodellen används i alla ämnen,</li><li>exempel på undervisning som dokumenterats och delats.</li></ul>",
        "target_audience": ["compulsory", "upper_secondary", "adult"],
        "format": "network",
        "start_date": "2024-08-19",
        "end_date": "2027-06-11",
        "themes": ["sprak-och-kunskapsutveckling", "att-mota-olikheter"],
        "tags": ["cirkelmodellen", "stöttning", "nätverk"],
        "contacts": ["lena"],
        "meetings": [
            ("2025-09-10 13:30", "Kanalskolan, sal B12", "Ämnesspråk i NO och SO"),
            ("2025-10-15 13:30", "Kanalskolan, sal B12", "Läsa och skriva i matematik"),
            ("2025-12-03 13:30", "Lärcentrum Norr", "Bedömning av språket i ämnet"),
            ("2026-03-18 13:30", "Lärcentrum Norr", "Att dela undervisningsexempel"),
            ("2026-05-20 13:30", "Kanalskolan, aulan", "Nätverksdag: vad har vi lärt oss?"),
        ],
        "materials": ["Planeringsmall med cirkelmodellen", "Ordlista för ämnesspråk"],
    },
    {
        "slug": "rakna-med-alla",
        "title": "Räkna med alla",
        "summary": "Fokusgrupper i matematik där förskollärare och lärare prövar problemlösande undervisning och följer upp den tillsammans.",
        "goals": "<p>Målet är att fler barn och elever ska uppleva matematik som något man kan resonera om, inte bara räkna ut.</p>",
        "target_audience": ["preschool", "preschool_class", "compulsory"],
        "format": "focus_group",
        "start_date": "2025-01-13",
        "end_date": "2028-06-09",
        "themes": ["matematik", "systematiskt-kvalitetsarbete"],
        "tags": ["problemlösning", "fokusgrupp", "förskola"],
        "contacts": ["omar", "jonas"],
        "meetings": [
            ("2025-09-03 15:00", "Förskolan Solrosen", "Matematik i leken"),
            ("2025-10-29 15:00", "Ekbackens skola", "Rika problem i åk 1–3"),
            ("2026-01-21 15:00", "Ekbackens skola", "Att analysera elevlösningar"),
        ],
        "materials": [
            "Problembank för förskoleklass",
            "Observationsschema",
            "Uppföljning vårterminen",
        ],
    },
]

# body: a list of (block_type, value) with strings for rich text.
ARTICLES = [
    {
        "slug": "larare-och-rektorer-samverkar",
        "title": "Lärare och rektorer lär tillsammans på temadag",
        "date": "2025-10-02 09:00",
        "author": "karin",
        "intro": "Drygt hundra lärare, förskollärare och rektorer samlades i Medborgarhuset för att arbeta med det systematiska kvalitetsarbetet – över gränserna mellan skolformer.",
        "themes": ["systematiskt-kvalitetsarbete", "ledarskap"],
        "tags": ["temadag", "kollegialt lärande"],
        "body": [
            (
                "paragraph",
                "<p>Dagen började med ett seminarium om hur man leder lärande samtal i arbetslaget. Därefter fick deltagarna sitta i blandade grupper och granska varandras uppföljningar från förra läsåret.</p>",
            ),
            (
                "quote",
                {
                    "quote": "Det är i mötet mellan lärare och elev som skolan utvecklas. Då måste vi också ge lärarna tid att mötas.",
                    "attribution": "Annika Strand, rektor på Ekbackens skola",
                },
            ),
            ("heading", {"text": "Från siffror till samtal", "level": "h2"}),
            (
                "paragraph",
                "<p>Många grupper fastnade för samma fråga: hur går man från betygsstatistik till förändrad undervisning? Svaret de flesta landade i var att börja i de yngre åldrarna och i det som händer i klassrummet varje dag.</p>",
            ),
            ("image", {"caption": "Grupparbete under eftermiddagen."}),
            ("contact", {"person": "karin", "note": "Frågor om temadagen"}),
        ],
    },
    {
        "slug": "fore-under-efter-konferensen",
        "title": "Före, under och efter konferensen",
        "date": "2025-04-28 08:00",
        "author": "jonas",
        "intro": "När 90 medarbetare åker på mässa vill vi att kunskapen stannar kvar. Därför arbetar vi i tre steg: vi förbereder oss tillsammans, delar under dagarna och följer upp efteråt.",
        "themes": ["digital-kompetens", "ledarskap"],
        "tags": ["konferens", "delning", "blogg"],
        "body": [
            ("heading", {"text": "Före: vad vill vi lära oss?", "level": "h2"}),
            (
                "paragraph",
                "<p>Varje grupp väljer ett fokus – ledning, digitala verktyg i förskolan, bedömning eller språkutveckling – och bestämmer vilka föreläsningar de ska lyssna på tillsammans.</p>",
            ),
            ("heading", {"text": "Under: dela medan det händer", "level": "h2"}),
            (
                "paragraph",
                "<p>Under konferensdagarna delar deltagarna korta inlägg i gruppens blogg och i sociala medier, så att kollegor hemma kan följa med.</p>",
            ),
            ("heading", {"text": "Efter: tillbaka i verksamheten", "level": "h2"}),
            (
                "paragraph",
                "<p>Efter hemkomsten leder varje grupp ett pass på sin arbetsplatsträff. Inläggen samlas på en sida där alla kan hitta dem.</p>",
            ),
            (
                "call_to_action",
                {
                    "title": "Läs gruppernas blogginlägg",
                    "text": "Alla inlägg från konferensen samlade på ett ställe.",
                    "button_label": "Till inläggen",
                    "url": "https://blogg.abyholm.example/konferens",
                },
            ),
        ],
    },
    {
        "slug": "cirkelmodellen-i-so",
        "title": "Cirkelmodellen lyfte skrivandet i SO",
        "date": "2025-11-12 10:00",
        "author": "lena",
        "intro": "I årskurs 8 på Kanalskolan skriver eleverna nu utredande texter i historia med stöd av cirkelmodellen. Resultatet: längre texter och fler elever som kommer igång.",
        "themes": ["sprak-och-kunskapsutveckling"],
        "tags": ["cirkelmodellen", "SO", "skrivande"],
        "body": [
            (
                "paragraph",
                "<p>Läraren Samir Nilsson började med att bygga upp kunskap om ämnet tillsammans med klassen. Sedan studerade de en modelltext och skrev en gemensam text på tavlan innan eleverna skrev själva.</p>",
            ),
            (
                "quote",
                {
                    "quote": "Förut satt många och stirrade på ett tomt papper. Nu vet de hur en utredande text är uppbyggd.",
                    "attribution": "Samir Nilsson, lärare i SO",
                },
            ),
            (
                "paragraph",
                "<p>Arbetssättet har spridits i nätverket <em>Språket bär lärandet</em>, där lärare från sju skolor delar sina planeringar.</p>",
            ),
            (
                "documents",
                {
                    "heading": "Planering att låna",
                    "documents": ["Planeringsmall med cirkelmodellen"],
                },
            ),
        ],
    },
    {
        "slug": "matematik-i-leken",
        "title": "Matematik i leken på Förskolan Solrosen",
        "date": "2025-09-08 09:30",
        "author": "omar",
        "intro": "Hur många kottar får plats i hinken? Barnen på Solrosen resonerar om mängder och former långt innan de kan skriva siffror.",
        "themes": ["matematik"],
        "tags": ["förskola", "problemlösning", "lek"],
        "body": [
            (
                "paragraph",
                "<p>Förskollärarna har under hösten dokumenterat situationer där barnen själva ställer matematiska frågor. Dokumentationen används sedan i fokusgruppen <em>Räkna med alla</em>.</p>",
            ),
            ("image", {"caption": "Sortering av naturmaterial på gården."}),
            (
                "paragraph",
                "<p>– Vi har lärt oss att vänta in barnens egna förklaringar i stället för att ge svaret, berättar förskolläraren Elin Forsberg.</p>",
            ),
        ],
    },
    {
        "slug": "ai-och-kallkritik",
        "title": "AI i klassrummet – nyfikenhet och källkritik",
        "date": "2026-01-20 13:00",
        "author": "jonas",
        "intro": "Generativ AI finns redan i elevernas vardag. I ett nytt utvecklingsarbete prövar fem skolor hur verktygen kan användas med omdöme.",
        "themes": ["digital-kompetens"],
        "tags": ["AI", "källkritik", "utvecklingsgrupp"],
        "body": [
            ("heading", {"text": "Tre frågor vi utgår från", "level": "h2"}),
            (
                "paragraph",
                "<ol><li>Vad kan eleverna lära sig om ämnet genom att granska ett AI-svar?</li><li>Hur synliggör vi elevens eget tänkande?</li><li>Vilka uppgifter behöver vi formulera om?</li></ol>",
            ),
            (
                "paragraph",
                "<p>Erfarenheterna samlas under våren och presenteras på en föreläsningseftermiddag i maj.</p>",
            ),
            ("contact", {"person": "jonas", "note": "Vill din skola vara med?"}),
        ],
    },
    {
        "slug": "tillgangliga-larmiljoer",
        "title": "Tillgängliga lärmiljöer börjar i planeringen",
        "date": "2025-12-01 08:30",
        "author": "maria",
        "intro": "En lärmiljö som fungerar för elever med stora behov fungerar oftast bättre för alla. Specialpedagoger och lärare har tillsammans gått igenom hur lektioner planeras.",
        "themes": ["att-mota-olikheter"],
        "tags": ["specialpedagogik", "planering", "NPF"],
        "body": [
            (
                "paragraph",
                "<p>Tydlig struktur, bildstöd och möjlighet att välja arbetssätt är enkla åtgärder som gör stor skillnad. Men det viktigaste, säger specialpedagogen Maria Alvarez Berg, är att börja redan när lektionen planeras.</p>",
            ),
            (
                "quote",
                {
                    "quote": "Olikhet är normen. Det är den vi ska planera för.",
                    "attribution": "Maria Alvarez Berg",
                },
            ),
            (
                "call_to_action",
                {
                    "title": "Programmet Mötet i vardagen",
                    "text": "Samtalsserien tar upp bemötande i svåra situationer.",
                    "button_label": "Läs om programmet",
                    "page": "motet-i-vardagen",
                },
            ),
        ],
    },
    {
        "slug": "nya-rektorer-mentorskap",
        "title": "Nya rektorer får mentorer",
        "date": "2025-08-25 11:00",
        "author": "karin",
        "intro": "Från hösten får varje nytillträdd rektor och förskolechef en erfaren kollega som mentor under det första året.",
        "themes": ["ledarskap"],
        "tags": ["rektor", "mentorskap", "introduktion"],
        "body": [
            (
                "paragraph",
                "<p>Mentorerna träffar sina adepter en gång i månaden. Samtalen handlar om allt från budget och schemaläggning till hur man leder pedagogiska diskussioner.</p>",
            ),
            ("heading", {"text": "Så anmäler du intresse", "level": "h3"}),
            (
                "paragraph",
                "<p>Erfarna skolledare som vill bli mentorer kan kontakta utvecklingsenheten.</p>",
            ),
        ],
    },
    {
        "slug": "arets-avslutning",
        "title": "Ett år av kompetensutveckling i backspegeln",
        "date": "2026-06-12 15:00",
        "author": "lena",
        "intro": "Läsåret är slut och utvecklingsteamet summerar: elva nätverksträffar, fyra föreläsningar och många nya kontakter mellan skolor.",
        "themes": ["systematiskt-kvalitetsarbete", "sprak-och-kunskapsutveckling"],
        "tags": ["årsrapport", "föreläsning"],
        "body": [
            (
                "paragraph",
                "<p>Under året har nyckelpersoner från alla skolor fått stöd i att leda utvecklingsprocesser på sin egen enhet. Vid sista träffen talade en forskare om skillnaden mellan kultur och strategi – och om varför förändring alltid börjar i ledarskapet.</p>",
            ),
            ("image", {"caption": "Sista nätverksträffen för läsåret."}),
            (
                "paragraph",
                "<p>I höst fortsätter arbetet med fokus på inkluderande lärmiljöer och språket i alla ämnen.</p>",
            ),
        ],
    },
    {
        "slug": "fritidshemmets-dag",
        "title": "Fritidshemmen visar upp sitt arbete",
        "date": "2026-03-05 09:00",
        "author": "maria",
        "intro": "Under fritidshemmets dag öppnade tolv fritidshem dörrarna för kollegor från andra skolor.",
        "themes": ["bemotande-och-vardegrund"],
        "tags": ["fritidshem", "studiebesök"],
        "body": [
            (
                "paragraph",
                "<p>Besökarna fick se hur fritidshemmen arbetar med konflikthantering, rastaktiviteter och samarbete med vårdnadshavare.</p>",
            ),
            (
                "paragraph",
                "<p>Dagen avslutades med ett gemensamt samtal om vad skolan kan lära av fritidshemmets sätt att möta eleverna.</p>",
            ),
        ],
    },
    {
        "slug": "programmering-i-lagstadiet",
        "title": "Programmering utan skärm i lågstadiet",
        "date": "2026-02-16 10:30",
        "author": "jonas",
        "intro": "Med pilkort och golvrobotar lär sig eleverna i årskurs 2 att tänka i steg – och att hitta felen i sina egna instruktioner.",
        "themes": ["digital-kompetens", "matematik"],
        "tags": ["programmering", "lågstadiet"],
        "body": [
            (
                "paragraph",
                "<p>Eleverna turas om att vara robot och programmerare. Den som är robot får bara göra exakt det som står på korten.</p>",
            ),
            (
                "video",
                {
                    "url": "https://www.youtube.com/watch?v=Kn4LsPq7rT2",
                    "caption": "Så går övningen till.",
                },
            ),
            (
                "paragraph",
                "<p>Övningen kopplar ihop matematikens lägesord med digital kompetens.</p>",
            ),
        ],
    },
]

VIDEOS = [
    {
        "slug": "varfor-goda-moten",
        "title": "Varför goda möten spelar roll",
        "url": "https://www.youtube.com/watch?v=aB3dE5fG7hJ",
        "duration": "00:04:32",
        "description": "En kort film om bemötandets betydelse för barns och elevers lärande. Passar som inledning på en arbetsplatsträff.",
        "transcript": "Berättare: Varje dag möter vi hundratals barn, elever och vårdnadshavare. Vart och ett av mötena är en möjlighet. I den här filmen berättar medarbetare om möten som gjorde skillnad.",
        "program": "motet-i-vardagen",
        "themes": ["bemotande-och-vardegrund"],
        "tags": ["film", "arbetsplatsträff"],
    },
    {
        "slug": "samverkan-for-basta-skola",
        "title": "Samverkan för en bättre skola",
        "url": "https://vimeo.com/734512908",
        "duration": "00:07:10",
        "description": "Lärare, förskolechefer och rektorer berättar om vad de tog med sig från temadagen om kvalitetsarbete.",
        "transcript": "Rektor: Vi behöver prata mer om undervisningen och mindre om resultatet. Lärare: Det var första gången jag satt med kollegor från förskolan och diskuterade progression.",
        "program": "",
        "themes": ["systematiskt-kvalitetsarbete", "ledarskap"],
        "tags": ["temadag"],
    },
    {
        "slug": "stottning-i-praktiken",
        "title": "Stöttning i praktiken",
        "url": "https://video.skolfilm.example/w/9xKp2mQvR7sTnW4yZb8cDe",
        "duration": "00:11:05",
        "description": "Vi följer en lektion i naturkunskap där läraren stöttar elevernas ämnesspråk steg för steg.",
        "transcript": "Läraren: Innan vi skriver ska vi prata om orden. Vad betyder fotosyntes? Elev: Att växten gör socker av ljus.",
        "program": "spraket-bar-larandet",
        "themes": ["sprak-och-kunskapsutveckling"],
        "tags": ["NO", "stöttning"],
    },
    {
        "slug": "rika-problem",
        "title": "Rika problem i årskurs 1–3",
        "url": "https://youtu.be/Zx9Yw8Vu7Ts",
        "duration": "00:06:48",
        "description": "Förstelärare Omar Yilmaz visar hur ett rikt matematikproblem kan öppna för flera lösningar.",
        "transcript": "Omar: Det finns fler än ett sätt att lösa det här. Vilka sätt kan ni hitta? Elev: Man kan rita eller räkna med fingrarna.",
        "program": "rakna-med-alla",
        "themes": ["matematik"],
        "tags": ["problemlösning", "lågstadiet"],
    },
    {
        "slug": "digitala-verktyg-forskolan",
        "title": "Digitala verktyg i förskolan",
        "url": "https://vimeo.com/812340567",
        "duration": "00:05:20",
        "description": "Förskollärare visar hur lärplattan används för att dokumentera barnens utforskande.",
        "transcript": "Förskollärare: Barnen fotograferar själva det de upptäcker, och sedan pratar vi om bilderna tillsammans.",
        "program": "",
        "themes": ["digital-kompetens"],
        "tags": ["förskola", "dokumentation"],
    },
]
