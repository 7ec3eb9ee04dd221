"""The first statement version (the statement of 1 januari 2018, in Dutch and English) and the
recipients it names: Mollie, Google, the mail provider and the hosting provider.

The data sections (what, why, basis, how long, who receives it) are not text here: the
statement renders them from the retention register. The seed version has no snapshot of
them (a migration does not run app code), so it always shows the register as it is."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

from django.db import migrations

NL = {
    "intro": (
        "Uw privacy is voor Codex Connectors B.V. van groot belang. Wij houden ons dan ook aan de privacywet. "
        "Dit betekent dat uw gegevens veilig bij ons zijn en dat wij ze altijd netjes gebruiken. In deze "
        "privacyverklaring leggen we uit wat we bij de online dienst Exact koppeling allemaal doen met informatie "
        "die we over u te weten komen.\n\n"
        "Als u vragen hebt, of wilt weten wat we precies van u bijhouden, neem dan contact op met "
        "Codex Connectors B.V."
    ),
    "service": (
        "Met ons portaal krijgt u toegang tot een beheeromgeving waar u zelf dingen kunt instellen, opgeven en "
        "wijzigen voor de online dienst. Wij houden bij wat u gedaan heeft en wanneer, zodat daar bewijs van is.\n\n"
        "U kunt bij onze online dienst Exact koppeling een betaald abonnement afsluiten, waarbij wij uw "
        "persoonsgegevens gebruiken om de betaling af te handelen.\n\n"
        "Bij bepaalde onderdelen van onze online dienst moet u zich eerst registreren. U moet dan informatie over "
        "uzelf opgeven en een gebruikersnaam kiezen. Daarmee maken wij een account, waarop u kunt inloggen met die "
        "gebruikersnaam en een zelfgekozen wachtwoord.\n\n"
        "Wij bewaren deze informatie zodat u ze niet steeds opnieuw in hoeft te vullen en zodat we u makkelijker "
        "kunnen benaderen als dat nodig is bij de online dienst. U kunt via uw account informatie aanpassen "
        "wanneer u dat wilt."
    ),
    "sharing": (
        "Wij geven uw persoonsgegevens niet aan andere bedrijven of instanties, behalve als dat nodig is voor de "
        "online dienst of als de wet zegt dat dat moet. Een voorbeeld is dat we bij een vermoeden van fraude "
        "aangifte mogen doen bij de politie.\n\n"
        "Wij geven uw persoonsgegevens onder geen voorwaarde aan andere bedrijven of instellingen, behalve als dat "
        "nodig is voor onze online dienst of als wij dat wettelijk verplicht zijn (bijvoorbeeld als de politie dat "
        "eist bij een vermoeden van een misdrijf).\n\n"
        "Sommige partners zijn gevestigd buiten de Europese Unie."
    ),
    "advertising": (
        "Wij willen u graag reclame sturen over aanbiedingen en nieuwe producten of diensten. Dit doen wij:\n\n"
        "- per e-mail\n\n"
        "U kunt op ieder moment bezwaar maken tegen deze reclame. Elke e-mail bevat een afmeldlink. Via uw account "
        "kunt u dit ook doorgeven. Via het portaal kunt u dit ook doorgeven."
    ),
    "cookies": (
        "Onze online dienst gebruikt cookies. Cookies zijn kleine bestandjes waar we informatie in kunnen opslaan "
        "zodat u die niet steeds hoeft in te vullen. Maar we kunnen er ook mee zien dat u ons weer bezoekt.\n\n"
        "Wanneer u onze online dienst voor het eerst bezoekt, tonen wij een melding met uitleg over cookies. "
        "Hierbij zullen we vragen om uw akkoord voor het gebruik van deze cookies.\n\n"
        "U kunt via uw browser het plaatsen van cookies uitschakelen, maar sommige dingen van onze online dienst "
        "werken dan niet goed meer.\n\n"
        "Met andere bedrijven die cookies plaatsen hebben wij afspraken gemaakt over het gebruik van de cookies. "
        "Toch hebben wij geen volledige controle op wat zij zelf met de cookies doen. Lees dus ook hun "
        "privacyverklaringen."
    ),
    "analytics": (
        "Wij gebruiken Google Analytics om bij te houden hoe bezoekers onze online dienst gebruiken. Wij hebben "
        "een verwerkersovereenkomst met Google gesloten. Daarin staan strikte afspraken te maken over wat zij mogen "
        "bijhouden. Wij hebben Google niet toegestaan de verkregen Analytics informatie te gebruiken voor andere "
        "Google diensten. Wij laten Google de IP-adressen niet anonimiseren."
    ),
    "security": (
        "Beveiliging van persoonsgegevens is voor ons van groot belang. Wij zorgen dat uw gegevens bij ons goed "
        "beveiligd zijn. We passen de beveiliging steeds aan en letten goed op wat er mis kan gaan."
    ),
    "changes": (
        "Wanneer onze online dienst wijzigt, moeten wij natuurlijk ook de privacyverklaring aanpassen. Let dus "
        "altijd op de datum hierboven en kijk regelmatig of er nieuwe versies zijn. Wij zullen ons best doen "
        "wijzigingen ook apart aan te kondigen."
    ),
    "complaint": (
        "Als u vindt dat wij u niet op de juiste manier helpen, dan heeft u het recht om een klacht in te dienen "
        "bij de toezichthouder. Deze heet de Autoriteit Persoonsgegevens."
    ),
}

EN = {
    "intro": (
        "Your privacy matters a great deal to Codex Connectors B.V., so we comply with privacy law. This means "
        "your data is safe with us and we always use it properly. In this privacy statement we explain what we do "
        "in the online service Exact koppeling with the information we learn about you.\n\n"
        "If you have questions, or want to know exactly what we keep about you, please contact "
        "Codex Connectors B.V."
    ),
    "service": (
        "Our portal gives you access to a management environment where you can set up, enter and change things "
        "for the online service yourself. We record what you did and when, so that there is evidence of it.\n\n"
        "You can take out a paid subscription to our online service Exact koppeling; we use your personal data to "
        "handle the payment.\n\n"
        "For some parts of our online service you must register first. You then provide information about "
        "yourself and choose a username. With it we create an account that you log in to with that username and "
        "a password of your choice.\n\n"
        "We keep this information so that you do not have to enter it again and again, and so that we can reach "
        "you more easily when the online service requires it. You can change the information in your account "
        "whenever you like."
    ),
    "sharing": (
        "We do not give your personal data to other companies or bodies, unless the online service needs it or "
        "the law requires it. For example, we may report suspected fraud to the police.\n\n"
        "Under no circumstances do we give your personal data to other companies or institutions, unless our "
        "online service needs it or we are legally obliged to (for example when the police demand it on "
        "suspicion of a crime).\n\n"
        "Some partners are established outside the European Union."
    ),
    "advertising": (
        "We would like to send you advertising about offers and new products or services. We do this:\n\n"
        "- by e-mail\n\n"
        "You can object to this advertising at any time. Every e-mail contains an unsubscribe link. You can also "
        "tell us through your account, or through the portal."
    ),
    "cookies": (
        "Our online service uses cookies. Cookies are small files in which we can store information so that you "
        "do not have to enter it again and again. They also let us see that you visit us again.\n\n"
        "When you first visit our online service, we show a message explaining cookies and ask for your consent "
        "to their use.\n\n"
        "You can switch off cookies in your browser, but some parts of our online service will then no longer "
        "work properly.\n\n"
        "We have made agreements about the use of cookies with other companies that place cookies. Still, we do "
        "not have full control over what they do with the cookies themselves, so please read their privacy "
        "statements too."
    ),
    "analytics": (
        "We use Google Analytics to track how visitors use our online service. We have concluded a data "
        "processing agreement with Google with strict terms on what they may track. We have not allowed Google to "
        "use the Analytics information for other Google services. We do not have Google anonymise IP addresses."
    ),
    "security": (
        "The security of personal data is very important to us. We make sure your data is well protected with "
        "us. We keep adapting our security and pay close attention to what could go wrong."
    ),
    "changes": (
        "When our online service changes, we must of course change the privacy statement too. So always check "
        "the date above and look regularly for new versions. We will do our best to announce changes separately "
        "as well."
    ),
    "complaint": (
        "If you feel we are not helping you properly, you have the right to lodge a complaint with the "
        "supervisory authority, the Autoriteit Persoonsgegevens (Dutch Data Protection Authority)."
    ),
}

PROCESSORS = [
    {
        "key": "hosting",
        "name": "Hostingprovider",
        "purpose_nl": "Bewaren en verwerken van alle gegevens van het portaal op onze servers.",
        "purpose_en": "Storing and processing all portal data on our servers.",
        "country": "NL",
        "outside_eu": False,
        "order": 10,
    },
    {
        "key": "mail",
        "name": "Mailprovider",
        "purpose_nl": "Versturen van e-mail: bevestigingen, facturen, aankondigingen en reclame.",
        "purpose_en": "Sending e-mail: confirmations, invoices, announcements and advertising.",
        "country": "NL",
        "outside_eu": False,
        "order": 20,
    },
    {
        "key": "mollie",
        "name": "Mollie B.V.",
        "purpose_nl": "Afhandelen van betalingen en automatische incasso's.",
        "purpose_en": "Handling payments and direct debits.",
        "country": "NL",
        "outside_eu": False,
        "order": 30,
    },
    {
        "key": "google",
        "name": "Google (Google Analytics)",
        "purpose_nl": "Bijhouden hoe bezoekers de online dienst gebruiken, alleen na uw toestemming voor cookies.",
        "purpose_en": "Tracking how visitors use the online service, only after your consent to cookies.",
        "country": "US",
        "outside_eu": True,
        "transfer_basis_nl": "EU-VS Data Privacy Framework (adequaatheidsbesluit van de Europese Commissie)",
        "transfer_basis_en": "EU-US Data Privacy Framework (adequacy decision of the European Commission)",
        "order": 40,
    },
]


def seed(apps, schema_editor):
    StatementVersion = apps.get_model("consent", "StatementVersion")
    Processor = apps.get_model("consent", "Processor")
    if not StatementVersion.objects.exists():
        texts = {f"{stem}_nl": text for stem, text in NL.items()}
        texts.update({f"{stem}_en": text for stem, text in EN.items()})
        StatementVersion.objects.create(
            number=1,
            status="published",
            effective_date=date(2018, 1, 1),
            published_at=datetime(2018, 1, 1, tzinfo=ZoneInfo("Europe/Amsterdam")),
            **texts,
        )
    for processor in PROCESSORS:
        Processor.objects.get_or_create(key=processor["key"], defaults=processor)


def unseed(apps, schema_editor):
    # Published versions cannot be deleted (the trigger refuses): going back leaves them.
    apps.get_model("consent", "Processor").objects.filter(key__in=[p["key"] for p in PROCESSORS]).delete()


class Migration(migrations.Migration):
    dependencies = [("consent", "0003_statement_versions_and_processors")]

    operations = [migrations.RunPython(seed, unseed)]
