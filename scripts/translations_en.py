"""English for every Dutch source string. `scripts/fill_translations.py` writes these into
locale/en/LC_MESSAGES/django.po and compiles it; a test fails when a string is missing."""

EN = {
    "Opheffen": "Closure",
    "Klantaccounts": "Customer accounts",
    "Logboek": "Audit trail",
    "Bijvoorbeeld 040 123 4567 of +31 40 123 4567.": "For example 040 123 4567 or +31 40 123 4567.",
    "Met landcode, bijvoorbeeld NL004495445B01.": "With country code, for example NL004495445B01.",
    "8 cijfers.": "8 digits.",
    "Vul dit in, of kies dat het factuuradres gelijk is aan het adres.": "Fill this in, or choose that the billing address is the same as the address.",
    "Uw wachtwoord": "Your password",
    "Ik begrijp dat ik na het opheffen niet meer kan inloggen.": "I understand that I can no longer log in after closing.",
    "Waarom heft u uw account op? (niet verplicht)": "Why are you closing your account? (optional)",
    "Dit wachtwoord klopt niet.": "This password is not correct.",
    "opgeheven op": "closed at",
    "reden van opheffen": "reason for closing",
    "gebruiker": "user",
    "gebruikers": "users",
    "naam": "name",
    "straat en huisnummer": "street and house number",
    "postcode": "postal code",
    "plaats": "city",
    "land": "country",
    "telefoonnummer": "phone number",
    "Opgeslagen als E.164": "Stored as E.164",
    "bedrijfsnaam": "company name",
    "KvK-nummer": "KvK number",
    "btw-identificatienummer": "VAT id",
    "factuuradres gelijk aan adres": "billing address same as address",
    "naam op factuur": "name on invoice",
    "straat en huisnummer (factuur)": "street and house number (billing)",
    "postcode (factuur)": "postal code (billing)",
    "plaats (factuur)": "city (billing)",
    "land (factuur)": "country (billing)",
    "bijgewerkt op": "updated at",
    "profiel": "profile",
    "profielen": "profiles",
    "Gebruik geen < > { } of \\ in dit veld.": "Do not use < > { } or \\ in this field.",
    "Dit veld bevat onzichtbare of ongeldige tekens.": "This field contains invisible or invalid characters.",
    "Vul een geldige Nederlandse postcode in, bijvoorbeeld 5617 AC.": "Enter a valid Dutch postal code, for example 5617 AC.",
    "Vul een geldige postcode in.": "Enter a valid postal code.",
    "Vul een geldig telefoonnummer in, bijvoorbeeld 040 123 4567 of +31 40 123 4567.": "Enter a valid phone number, for example 040 123 4567 or +31 40 123 4567.",
    "Een KvK-nummer bestaat uit 8 cijfers.": "A KvK number has 8 digits.",
    "Dit btw-identificatienummer hoort niet bij een land van de EU.": "This VAT id does not belong to an EU country.",
    "Vul een geldig btw-identificatienummer in, met landcode, bijvoorbeeld NL004495445B01.": "Enter a valid VAT id with its country code, for example NL004495445B01.",
    "Uw gegevens zijn opgeslagen.": "Your details have been saved.",
    "Niet opgeslagen: verbeter de gemarkeerde velden.": "Not saved: please correct the marked fields.",
    "Account aangemaakt": "Account created",
    "E-mailadres bevestigd": "E-mail address confirmed",
    "E-mailadres toegevoegd": "E-mail address added",
    "E-mailadres gewijzigd": "E-mail address changed",
    "E-mailadres verwijderd": "E-mail address removed",
    "Account opgeheven": "Account closed",
    "Accountgegevens gewist": "Account data erased",
    "Ingelogd": "Logged in",
    "Uitgelogd": "Logged out",
    "Mislukte inlogpoging": "Failed login attempt",
    "Tijdelijk geblokkeerd na mislukte inlogpogingen": "Temporarily locked after failed login attempts",
    "Wachtwoord gewijzigd": "Password changed",
    "Wachtwoord hersteld": "Password reset",
    "Tweestapsverificatie ingesteld": "Two-factor authentication set up",
    "Tweestapsverificatie verwijderd": "Two-factor authentication removed",
    "Tweestapsverificatie gebruikt": "Two-factor authentication used",
    "Herstelcodes aangemaakt": "Recovery codes generated",
    "Profiel gewijzigd": "Profile changed",
    "Instellingen gewijzigd": "Settings changed",
    "Abonnement aangevraagd": "Subscription requested",
    "Abonnement actief": "Subscription active",
    "Abonnement opgezegd": "Subscription cancelled",
    "Opzegging ingetrokken": "Cancellation withdrawn",
    "Abonnement beëindigd": "Subscription ended",
    "Abonnement opgeschort": "Subscription suspended",
    "Abonnement afgelopen": "Subscription expired",
    "Betaling aangemaakt": "Payment created",
    "Betaalstatus gewijzigd": "Payment status changed",
    "Betaling ontvangen": "Payment received",
    "Betaling mislukt": "Payment failed",
    "Betaling terugbetaald": "Payment refunded",
    "Betaling teruggeboekt": "Payment charged back",
    "Machtiging gewijzigd": "Mandate changed",
    "Factuur opgesteld": "Invoice issued",
    "Abonnementsvorm gewijzigd": "Plan changed",
    "Cookietoestemming gegeven": "Cookie consent given",
    "Cookietoestemming ingetrokken": "Cookie consent withdrawn",
    "Aangemeld voor reclame per e-mail": "Signed up for marketing e-mail",
    "Bezwaar gemaakt tegen reclame per e-mail": "Objected to marketing e-mail",
    "Privacyverklaring gepubliceerd": "Privacy statement published",
    "Privacyverklaring gelezen": "Privacy statement read",
    "Bewaartermijnen gehandhaafd": "Retention periods enforced",
    "Bewaarplicht (legal hold) ingesteld": "Legal hold placed",
    "Bewaarplicht (legal hold) opgeheven": "Legal hold released",
    "Gegevensexport aangevraagd": "Data export requested",
    "Gegevensexport gedownload": "Data export downloaded",
    "Persoonsgegevens in logboek onleesbaar gemaakt": "Personal data in the audit trail redacted",
    "Bekeken door medewerker": "Viewed by staff",
    "Toegevoegd door medewerker": "Added by staff",
    "Gewijzigd door medewerker": "Changed by staff",
    "Verwijderd door medewerker": "Deleted by staff",
    "Klant": "Customer",
    "Medewerker": "Staff",
    "Systeem": "System",
    "Anoniem": "Anonymous",
    "tijdstip": "time",
    "soort actor": "actor kind",
    "actor-id": "actor id",
    "actor": "actor",
    "klant-id": "customer id",
    "gebeurtenis": "event",
    "soort object": "object type",
    "object-id": "object id",
    "wijzigingen": "changes",
    "IP-adres": "IP address",
    "browser": "browser",
    "request-id": "request id",
    "auditgebeurtenis": "audit event",
    "auditgebeurtenissen": "audit events",
    "Toestemming en privacyverklaring": "Consent and privacy statement",
    "U was een tijd niet actief en bent daarom uitgelogd. Log opnieuw in.": "You were inactive for a while and have been logged out. Please log in again.",
    "Nederlands": "Dutch",
    "English": "English",
    "Bewaartermijnen": "Retention",
    "Abonnementen en betalingen": "Subscriptions and payments",
    "Dit account is opgeheven": "This account has been closed",
    "Inloggen met dit account is niet meer mogelijk, omdat het account is opgeheven.": "You can no longer log in with this account, because it has been closed.",
    "Is dit niet de bedoeling? Neem contact op via %(email)s.": "Not what you intended? Contact us at %(email)s.",
    "niet verplicht": "optional",
    "Account opheffen": "Close account",
    "Na het opheffen kunt u niet meer inloggen en worden al uw sessies beëindigd. Uw accountgegevens bewaren wij nog drie maanden; daarna worden ze gewist. Factuurgegevens bewaren wij zeven jaar na het einde van uw abonnement, omdat de wet dat verplicht.": "After closing you can no longer log in and all your sessions end. We keep your account data for three more months; then it is erased. We keep billing data for seven years after your subscription ends, because the law requires it.",
    "Account definitief opheffen": "Close my account for good",
    "Uw account is opgeheven": "Your account has been closed",
    "U bent uitgelogd en kunt met dit account niet meer inloggen. U ontvangt een bevestiging per e-mail.": "You have been logged out and can no longer log in with this account. You will receive a confirmation by e-mail.",
    "Beste %(username)s,": "Dear %(username)s,",
    "Uw account voor %(PRODUCT_NAME)s is op %(closed_at)s opgeheven. U kunt niet meer inloggen en al uw sessies zijn beëindigd.": "Your %(PRODUCT_NAME)s account was closed on %(closed_at)s. You can no longer log in and all your sessions have ended.",
    "Wij bewaren uw accountgegevens nog drie maanden en wissen ze daarna. Factuurgegevens bewaren wij zeven jaar na het einde van uw abonnement, omdat de wet dat verplicht.": "We keep your account data for three more months and erase it after that. We keep billing data for seven years after your subscription ends, because the law requires it.",
    "Heeft u dit niet zelf gedaan? Neem dan direct contact met ons op.": "Did you not do this yourself? Contact us right away.",
    "Beste %(username)s,\n\nUw account voor %(PRODUCT_NAME)s is op %(closed_at)s opgeheven. U kunt niet meer inloggen en al uw sessies zijn beëindigd.\n\nWij bewaren uw accountgegevens nog drie maanden en wissen ze daarna. Factuurgegevens bewaren wij zeven jaar na het einde van uw abonnement, omdat de wet dat verplicht.\n\nHeeft u dit niet zelf gedaan? Neem dan direct contact met ons op.": "Dear %(username)s,\n\nYour %(PRODUCT_NAME)s account was closed on %(closed_at)s. You can no longer log in and all your sessions have ended.\n\nWe keep your account data for three more months and erase it after that. We keep billing data for seven years after your subscription ends, because the law requires it.\n\nDid you not do this yourself? Contact us right away.",
    "Tijdelijk geblokkeerd": "Temporarily locked",
    "Te veel mislukte inlogpogingen": "Too many failed login attempts",
    "Dit account is vanaf uw netwerk tijdelijk geblokkeerd na vijf mislukte inlogpogingen. Probeer het over %(minutes)s minuten opnieuw.": "This account is temporarily locked from your network after five failed login attempts. Try again in %(minutes)s minutes.",
    "Wachtwoord vergeten?": "Forgot your password?",
    "Profiel": "Profile",
    "Kruimelpad": "Breadcrumb",
    "Mijn gegevens": "My data",
    "Deze gegevens gebruiken wij voor uw koppeling, uw abonnement en uw facturen. U kunt ze altijd aanpassen.": "We use these details for your connection, your subscription and your invoices. You can change them at any time.",
    "Naam en adres": "Name and address",
    "Bedrijf": "Company",
    "Factuuradres": "Billing address",
    "Opslaan": "Save",
    "Naar de inhoud": "Skip to content",
    "Hoofdmenu": "Main menu",
    "Overzicht": "Overview",
    "Account": "Account",
    "Beheer": "Admin",
    "Uitloggen": "Log out",
    "Inloggen": "Log in",
    "Registreren": "Sign up",
    "Taal": "Language",
    "Kies": "Choose",
    "Voettekst": "Footer",
    "Privacyverklaring": "Privacy statement",
    "Cookie-instellingen": "Cookie settings",
    "Contact": "Contact",
    "Welkom, %(name)s": "Welcome, %(name)s",
    "Naam, adres, bedrijfs- en factuurgegevens.": "Name, address, company and billing details.",
    "E-mailadres": "E-mail address",
    "Uw e-mailadres wijzigen en bevestigen.": "Change and confirm your e-mail address.",
    "Wachtwoord": "Password",
    "Uw wachtwoord wijzigen.": "Change your password.",
    "Tweestapsverificatie": "Two-factor authentication",
    "Extra beveiliging met een authenticator-app of beveiligingssleutel.": "Extra security with an authenticator app or security key.",
    "Sessies": "Sessions",
    "Waar u bent ingelogd.": "Where you are logged in.",
    "Uw account beëindigen.": "End your account.",
    "Welkom": "Welcome",
    "Klantportaal Exact koppeling": "Exact koppeling customer portal",
    "Koppel uw webshop, CRM of planning met Exact Online. In dit portaal beheert u uw koppeling, uw abonnement en uw gegevens.": "Connect your webshop, CRM or planning with Exact Online. In this portal you manage your connection, your subscription and your details.",
    "Account aanmaken": "Create an account",
}

EN.update(
    {
        "Pagina niet gevonden": "Page not found",
        "Deze pagina bestaat niet (meer). Controleer het adres of ga naar het overzicht.": "This page does not exist (any more). Check the address or go to the overview.",
        "Naar het overzicht": "Go to the overview",
        "Geen toegang": "No access",
        "U heeft geen toegang tot deze pagina.": "You do not have access to this page.",
        "Even geduld": "Please wait",
        "Te veel verzoeken": "Too many requests",
        "U heeft dit te vaak in korte tijd geprobeerd. Wacht een paar minuten en probeer het opnieuw.": "You tried this too often in a short time. Wait a few minutes and try again.",
    }
)

EN.update(
    {
        "Hieronder staan de soorten cookies die wij gebruiken en waarvoor. Noodzakelijke cookies zijn altijd aan; voor de andere vragen wij uw toestemming, en u kunt die hier altijd weer intrekken.": "Below are the kinds of cookies we use and what for. Necessary cookies are always on; for the others we ask your consent, and you can withdraw it here at any time.",
        "Wij gebruiken alleen cookies die nodig zijn om het portaal te laten werken (inloggen, beveiliging en uw taalkeuze).": "We only use cookies that the portal needs to work (logging in, security and your language choice).",
    }
)

# The register of personal data, the audit trail and retention.
EN.update(
    {
        "tot drie maanden nadat u uw account opheft": "until three months after you close your account",
        "bij het einde van elke sessie": "at the end of every session",
        "tot het einde van de sessie": "until the end of the session",
        "30 dagen na de inlogpoging": "30 days after the login attempt",
        "Inbraakpogingen herkennen en accounts tijdelijk blokkeren na te veel mislukte pogingen.": "Recognising break-in attempts and locking accounts temporarily after too many failed attempts.",
        "het tijdstip van de inlogpoging": "the time of the login attempt",
        "Inloggen op het portaal en u bereiken als dat nodig is voor de dienst.": "Logging in to the portal and reaching you when the service needs it.",
        "het opheffen van het account": "the closure of the account",
        "gebruikersnaam, e-mailadressen, wachtwoord (versleuteld), tweestapsverificatie, aanmeld- en opheffingsdatum": "username, e-mail addresses, password (hashed), two-factor authentication, sign-up and closure date",
        "Naam-, adres- en bedrijfsgegevens": "Name, address and company details",
        "De dienst leveren, factureren en contact met u houden.": "Providing the service, invoicing and keeping in touch with you.",
        "naam, adres, telefoonnummer, bedrijfsnaam, KvK-nummer, btw-nummer, factuuradres": "name, address, phone number, company name, KvK number, VAT id, billing address",
        "U ingelogd houden terwijl u het portaal gebruikt.": "Keeping you logged in while you use the portal.",
        "het verlopen van de sessie (30 minuten zonder activiteit)": "the expiry of the session (30 minutes without activity)",
        "sessiesleutel en sessie-inhoud": "session key and session contents",
        "Ingelogde apparaten": "Logged-in devices",
        "U laten zien waar u bent ingelogd, zodat u sessies kunt beëindigen.": "Showing you where you are logged in, so that you can end sessions.",
        "het einde van de sessie": "the end of the session",
        "IP-adres, browser, tijdstip van inloggen en laatste activiteit": "IP address, browser, time of login and last activity",
        "Mislukte inlogpogingen": "Failed login attempts",
        "gebruikersnaam, IP-adres, browser, tijdstip, aantal pogingen": "username, IP address, browser, time, number of attempts",
        "Blokkeringen na mislukte inlogpogingen": "Lockouts after failed login attempts",
        "gebruikersnaam, IP-adres, browser, tijdstip, of het account werd geblokkeerd": "username, IP address, browser, time, whether the account was locked",
        "Inlogregistratie": "Login records",
        "gebruikersnaam, IP-adres, browser, tijdstip van in- en uitloggen": "username, IP address, browser, time of login and logout",
        "Klant aangemaakt bij Mollie": "Customer created at Mollie",
        "Abonnement niet gestart (eerste betaling niet voltooid)": "Subscription not started (first payment not completed)",
        "Abonnement verlengd": "Subscription renewed",
        "Automatische incasso ingepland bij Mollie": "Automatic collection scheduled at Mollie",
        "Automatische incasso gestopt bij Mollie": "Automatic collection stopped at Mollie",
        "Soort": "Kind",
        "Vanaf": "From",
        "Vul een geldige datum in, bijvoorbeeld 2026-03-01.": "Enter a valid date, for example 2026-03-01.",
        "Tot en met": "Up to and including",
        "Vul een geldige datum in, bijvoorbeeld 2026-03-31.": "Enter a valid date, for example 2026-03-31.",
        "Alles": "All",
        "Kies een soort uit de lijst.": "Choose a kind from the list.",
        "De begindatum ligt na de einddatum.": "The start date is after the end date.",
        "keten": "chain",
        "De klant-id, of 0 voor gebeurtenissen zonder klant.": "The customer id, or 0 for events about no customer.",
        "volgnummer": "sequence number",
        "zout": "salt",
        "digest persoonsgegevens": "personal data digest",
        "digest": "digest",
        "ketenwaarde": "chain value",
        "persoonsgegevens verwijderd op": "personal data redacted at",
        "tot drie maanden nadat u uw account opheft; de gebeurtenis zelf blijft als bewijs, zonder persoonsgegevens": "until three months after you close your account; the event itself stays as evidence, without personal data",
        "Activiteitenlogboek": "Activity log",
        "Bewijs van wat u in het portaal deed en wanneer (inloggen, wijzigingen, betalingen).": "Evidence of what you did in the portal and when (logins, changes, payments).",
        "IP-adres, browser, oude en nieuwe waarden van wijzigingen, uw gebruikersnaam": "IP address, browser, old and new values of changes, your username",
        "Logboek zonder klant (IP-adressen)": "Log without a customer (IP addresses)",
        "Beveiliging: pogingen herkennen om in te loggen op onbekende accounts.": "Security: recognising attempts to log in to unknown accounts.",
        "het tijdstip van de gebeurtenis": "the time of the event",
        "IP-adres en browser van bezoekers zonder account": "IP address and browser of visitors without an account",
        "Inloggen en beveiliging": "Login and security",
        "Gegevens": "Details",
        "Instellingen": "Settings",
        "Abonnement": "Subscription",
        "Betalingen": "Payments",
        "Toestemming": "Consent",
        "Reclame per e-mail": "Marketing e-mail",
        "Bewaren en verwijderen": "Retention and deletion",
        "Door een medewerker": "By a staff member",
        "U": "You",
        "Onbekend (niet ingelogd)": "Unknown (not logged in)",
        "(verwijderd)": "(removed)",
        "Niet gefilterd: verbeter de gemarkeerde velden.": "Not filtered: please correct the marked fields.",
        "Niet gedownload: verbeter de gemarkeerde velden.": "Not downloaded: please correct the marked fields.",
        "Tijdstip": "Time",
        "Gebeurtenis": "Event",
        "Code": "Code",
        "Door": "By",
        "Object": "Object",
        "Wijzigingen": "Changes",
        "Browser": "Browser",
        "Request-id": "Request id",
        "te laat": "overdue",
        "klant": "customer",
        "Geselecteerde bewaarplichten opheffen": "Release the selected legal holds",
        "%(n)d bewaarplicht(en) opgeheven.": "%(n)d legal hold(s) released.",
        "bezig": "running",
        "geslaagd": "succeeded",
        "mislukt": "failed",
        "gestart": "started",
        "klaar": "finished",
        "status": "status",
        "aanleiding": "trigger",
        "alleen categorie": "category only",
        "fout": "error",
        "handhavingsronde": "enforcement run",
        "handhavingsrondes": "enforcement runs",
        "ronde": "run",
        "categorie": "category",
        "actie": "action",
        "grens": "cutoff",
        "Alles met een begin op of voor dit tijdstip was verlopen.": "Everything whose clock started at or before this time had expired.",
        "aantal": "count",
        "vastgehouden": "held",
        "batches": "batches",
        "rijen per tabel": "rows per table",
        "verwijderverslag": "disposal record",
        "verwijderverslagen": "disposal records",
        "taak": "job",
        "geïnstalleerd": "installed",
        "laatst gestart": "last started",
        "laatst geslaagd": "last succeeded",
        "laatste ronde": "last run",
        "hartslag": "heartbeat",
        "hartslagen": "heartbeats",
        "reden": "reason",
        "ingesteld op": "placed at",
        "ingesteld door": "placed by",
        "opgeheven door": "released by",
        "bewaarplicht (legal hold)": "legal hold",
        "bewaarplichten (legal holds)": "legal holds",
        "in de wachtrij": "queued",
        "wordt gemaakt": "being built",
        "voortgang (%)": "progress (%)",
        "aangevraagd op": "requested at",
        "klaar op": "ready at",
        "bestand": "file",
        "grootte": "size",
        "gegevensexport": "data export",
        "gegevensexports": "data exports",
        "7 dagen nadat de export klaar is": "7 days after the export is ready",
        "Downloads van uw gegevens": "Downloads of your data",
        "U een kopie geven van alle gegevens die wij over u hebben.": "Giving you a copy of all the data we hold about you.",
        "het klaarzetten van de download": "the download becoming ready",
        "een ZIP-bestand met al uw gegevens": "a ZIP file with all your data",
        "uitvoering van de overeenkomst": "performance of the contract",
        "wettelijke verplichting": "legal obligation",
        "toestemming": "consent",
        "gerechtvaardigd belang": "legitimate interest",
        "verwijderen": "delete",
        "anonimiseren": "anonymise",
        "%(n)d jaar": ("%(n)d year", "%(n)d years"),
        "%(n)d maand": ("%(n)d month", "%(n)d months"),
        "%(n)d dag": ("%(n)d day", "%(n)d days"),
        "%(n)s gebeurtenis, nieuwste eerst": ("%(n)s event, newest first", "%(n)s events, newest first"),
    }
)

# Retention admin, billing and the portal pages.
EN.update(
    {
        "direct": "immediately",
        "Overzicht bewaartermijnen": "Retention overview",
        "Te laat: de laatste geslaagde ronde is ouder dan %(age)s.": "Overdue: the last successful run is older than %(age)s.",
        "Op schema.": "On schedule.",
        "Laatst geslaagd": "Last succeeded",
        "actieve bewaarplichten": "active legal holds",
        "Categorie": "Category",
        "Termijn": "Period",
        "Actie": "Action",
        "Nu verlopen": "Due now",
        "Binnen 30 dagen": "Within 30 days",
        "Vastgehouden": "Held",
        "prijs incl. btw": "price incl. VAT",
        "Direct beëindigen (ook bij Mollie)": "End immediately (at Mollie too)",
        "%(count)d abonnement(en) beëindigd.": "%(count)d subscription(s) ended.",
        "per maand": "per month",
        "per jaar": "per year",
        "omschrijving": "description",
        "prijs excl. btw (EUR)": "price excl. VAT (EUR)",
        "termijn": "interval",
        "actief": "active",
        "Alleen actieve abonnementsvormen zijn af te sluiten.": "Only active plans can be subscribed to.",
        "aangemaakt op": "created at",
        "abonnementsvorm": "plan",
        "abonnementsvormen": "plans",
        "Mollie-klant-id": "Mollie customer id",
        "Mollie-klant": "Mollie customer",
        "Mollie-klanten": "Mollie customers",
        "wacht op eerste betaling": "awaiting first payment",
        "opgeschort": "suspended",
        "beëindigd": "ended",
        "afgelopen": "expired",
        "niet gestart": "not started",
        "bedrag excl. btw": "amount excl. VAT",
        "btw-tarief (%)": "VAT rate (%)",
        "btw verlegd": "VAT reverse-charged",
        "bedrag incl. btw": "amount incl. VAT",
        "Mollie-machtiging": "Mollie mandate",
        "gestart op": "started at",
        "betaald tot": "paid until",
        "opgezegd per einde termijn": "cancelled at period end",
        "opgezegd op": "cancelled at",
        "beëindigd op": "ended at",
        "reden van beëindiging": "reason for ending",
        "abonnement": "subscription",
        "abonnementen": "subscriptions",
        "Mollie-abonnement": "Mollie subscription",
        "Mollie-abonnementen": "Mollie subscriptions",
        "nog niet bij Mollie": "not yet at Mollie",
        "open": "open",
        "in behandeling": "pending",
        "geautoriseerd": "authorised",
        "betaald": "paid",
        "geannuleerd": "cancelled",
        "verlopen": "expired",
        "eerste betaling": "first payment",
        "automatische incasso": "recurring payment",
        "Mollie-betaling": "Mollie payment",
        "soort": "kind",
        "bedrag": "amount",
        "terugbetaald": "refunded",
        "teruggeboekt": "charged back",
        "betaalpagina": "checkout page",
        "incassodatum": "charge date",
        "betaald op": "paid at",
        "betaling": "payment",
        "betalingen": "payments",
        "factuurnummering": "invoice numbering",
        "factuurnummer": "invoice number",
        "factuurdatum": "invoice date",
        "periode van": "period from",
        "periode tot": "period until",
        "btw": "VAT",
        "totaal": "total",
        "factuurgegevens": "billing details",
        "gegevens leverancier": "supplier details",
        "factuur": "invoice",
        "facturen": "invoices",
        "zeven jaar na het einde van uw abonnement": "seven years after your subscription ends",
        "Abonnement, betalingen en facturen": "Subscription, payments and invoices",
        "Uw abonnement uitvoeren, betalingen via Mollie afhandelen en facturen opstellen en bewaren.": "Running your subscription, handling payments through Mollie, and issuing and keeping invoices.",
        "het einde van het abonnement": "the end of the subscription",
        "Mollie-klant-, machtigings- en betalingskenmerken, bedragen, betaaldata, facturen met naam en factuuradres": "Mollie customer, mandate and payment references, amounts, payment dates, invoices with name and billing address",
        "U heeft al een abonnement of een lopende aanvraag.": "You already have a subscription or a pending request.",
        "Deze abonnementsvorm is niet meer af te sluiten.": "This plan can no longer be subscribed to.",
        "Alleen een actief abonnement kunt u opzeggen.": "Only an active subscription can be cancelled.",
        "Er is geen opzegging om in te trekken.": "There is no cancellation to withdraw.",
        "De termijn is al afgelopen; sluit een nieuw abonnement af.": "The period has already ended; take out a new subscription.",
        "Mollie, onze betaaldienst, is op dit moment niet bereikbaar. Er is niets afgeschreven. Probeer het over een paar minuten opnieuw.": "Mollie, our payment provider, cannot be reached right now. Nothing has been charged. Please try again in a few minutes.",
        "De betaling kon niet worden gestart. Neem contact met ons op als dit blijft gebeuren.": "The payment could not be started. Please contact us if this keeps happening.",
        "Deze abonnementsvorm is niet meer af te sluiten; kies een andere.": "This plan can no longer be subscribed to; please choose another.",
        "Uw abonnement is opgezegd. Het loopt nog tot en met %(date)s; daarna wordt er niets meer afgeschreven.": "Your subscription has been cancelled. It runs up to and including %(date)s; nothing will be charged after that.",
        "Uw opzegging is ingetrokken. Uw abonnement loopt gewoon door.": "Your cancellation has been withdrawn. Your subscription simply continues.",
        "Activiteit": "Activity",
        "Alles wat er met uw account is gebeurd: door u, door onze medewerkers en door onze systemen (zoals betalingen via Mollie). Wij houden dit bij als bewijs; het kan niet worden gewijzigd.": "Everything that happened to your account: by you, by our staff and by our systems (such as payments through Mollie). We keep this as evidence; it cannot be changed.",
        "Filteren": "Filter",
        "Toon": "Show",
        "Download als CSV": "Download as CSV",
        "Alle activiteit": "All activity",
        "Details": "Details",
        "Persoonsgegevens verwijderd": "Personal data redacted",
        "Pagina’s": "Pages",
        "Nieuwer": "Newer",
        "Pagina %(n)s van %(total)s": "Page %(n)s of %(total)s",
        "Ouder": "Older",
        "Geen activiteit gevonden.": "No activity found.",
        " By %(filter_title)s ": " By %(filter_title)s ",
        "Wat wij bewaren": "What we keep",
        "Uw abonnement, betalingen en facturen.": "Your subscription, payments and invoices.",
        "Welke gegevens wij hebben, waarom en tot wanneer; download al uw gegevens.": "Which data we hold, why and until when; download all your data.",
        "Wat er met uw account is gebeurd, door wie en wanneer.": "What happened to your account, by whom and when.",
        "De download met al uw gegevens bij %(PRODUCT_NAME)s staat klaar:": "The download with all your data at %(PRODUCT_NAME)s is ready:",
        "Download mijn gegevens": "Download my data",
        "U moet ingelogd zijn om hem te downloaden. De link werkt tot %(expires_at)s; daarna verwijderen wij het bestand. U kunt altijd een nieuwe download aanvragen.": "You need to be logged in to download it. The link works until %(expires_at)s; after that we delete the file. You can always request a new download.",
        "Heeft u dit niet zelf aangevraagd? Neem dan direct contact met ons op.": "Did you not request this yourself? Contact us right away.",
        "Beste %(username)s,\n\nDe download met al uw gegevens bij %(PRODUCT_NAME)s staat klaar:\n\n%(url)s\n\nU moet ingelogd zijn om hem te downloaden. De link werkt tot %(expires_at)s; daarna verwijderen wij het bestand. U kunt altijd een nieuwe download aanvragen.\n\nHeeft u dit niet zelf aangevraagd? Neem dan direct contact met ons op.": "Dear %(username)s,\n\nThe download with all your data at %(PRODUCT_NAME)s is ready:\n\n%(url)s\n\nYou need to be logged in to download it. The link works until %(expires_at)s; after that we delete the file. You can always request a new download.\n\nDid you not request this yourself? Contact us right away.",
        "Uw gegevens staan klaar om te downloaden": "Your data is ready to download",
        "Download verlopen": "Download expired",
        "Deze download is niet meer beschikbaar": "This download is no longer available",
        "Een download van uw gegevens werkt 7 dagen; daarna verwijderen wij het bestand. U kunt altijd een nieuwe aanvragen.": "A download of your data works for 7 days; after that we delete the file. You can always request a new one.",
        "Nieuwe download aanvragen": "Request a new download",
        "Wat wij over u bewaren": "What we keep about you",
        "Download": "Download",
        "Uw download wordt gemaakt: %(progress)s%% klaar. Deze pagina ververst vanzelf; u krijgt ook een e-mail als hij klaar is.": "Your download is being built: %(progress)s%% done. This page refreshes by itself; you will also get an e-mail when it is ready.",
        "Uw download staat klaar. De link werkt tot %(date)s.": "Your download is ready. The link works until %(date)s.",
        "Download het ZIP-bestand": "Download the ZIP file",
        "Het maken van uw download is mislukt. Probeer het later opnieuw of neem contact met ons op.": "Building your download failed. Please try again later or contact us.",
        "Deze download is verlopen en verwijderd. U kunt een nieuwe aanvragen.": "This download has expired and was deleted. You can request a new one.",
        "Terug naar uw gegevens": "Back to your data",
        "Uw gegevens": "Your data",
        "Alle gegevens die wij over %(name)s bewaren": "All the data we keep about %(name)s",
        "Gemaakt op %(made)s. Bij elk onderdeel staat een JSON-bestand met dezelfde gegevens in deze ZIP.": "Made on %(made)s. For each part, this ZIP holds a JSON file with the same data.",
        "Wat wij bewaren, waarom en tot wanneer": "What we keep, why and until when",
        "Waarom": "Why",
        "Grondslag": "Legal basis",
        "Verwijderd op": "Removed on",
        "Bestand: %(file)s.json": "File: %(file)s.json",
        "Wij bewaren hiervan niets over u.": "We keep none of this about you.",
        "Hieronder staat per soort gegevens wat wij van u bewaren, waarom, op grond waarvan, en wanneer wij het verwijderen. Wij verwijderen het automatisch; u hoeft daar niets voor te doen.": "Below, for each kind of data, is what we keep about you, why, on what legal basis, and when we remove it. We remove it automatically; you do not need to do anything.",
        "Uw gegevens, waarom wij ze hebben en tot wanneer": "Your data, why we have it and until when",
        "Waarvoor": "What for",
        "Bewaartermijn": "Retention period",
        "Wij verwijderen het": "We remove it",
        "%(period)s na %(start)s": "%(period)s after %(start)s",
        "Wij hebben hiervan niets over u.": "We have none of this about you.",
        "op %(date)s": "on %(date)s",
        "Facturen moeten wij volgens de wet zeven jaar bewaren, ook als u uw account opheft. Vragen hierover? Neem contact met ons op.": "The law requires us to keep invoices for seven years, also when you close your account. Questions about this? Please contact us.",
        "U krijgt een ZIP-bestand met al uw gegevens: per onderdeel een JSON-bestand en een overzicht dat u in uw browser kunt openen. Wij mailen u zodra het klaarstaat. De download werkt 7 dagen.": "You get a ZIP file with all your data: a JSON file per part and a summary you can open in your browser. We e-mail you as soon as it is ready. The download works for 7 days.",
        "Uw laatste download staat klaar tot %(date)s.": "Your latest download is available until %(date)s.",
        "Downloaden": "Download",
        "Uw download wordt gemaakt.": "Your download is being built.",
        "Bekijk de voortgang": "See the progress",
        "Download mijn gegevens aanvragen": "Request a download of my data",
        "Factuur": "Invoice",
        "Van": "From",
        "KvK": "KvK",
        "btw-nummer": "VAT id",
        "Aan": "To",
        "Factuurdatum": "Invoice date",
        "Omschrijving": "Description",
        "Periode": "Period",
    }
)

EN.update(
    {
        "Bedrag excl. btw": "Amount excl. VAT",
        "Btw": "VAT",
        "Totaal": "Total",
        "Betaald": "Paid",
        "Uw abonnement": "Your subscription",
        "Uw aanvraag wacht op de eerste betaling.": "Your request is waiting for the first payment.",
        "Naar de betaling": "Go to the payment",
        "Actief": "Active",
        "incl. btw": "incl. VAT",
        "Opgezegd: uw abonnement loopt tot en met %(date)s. Daarna wordt er niets meer afgeschreven.": "Cancelled: your subscription runs up to and including %(date)s. Nothing will be charged after that.",
        "Opzegging intrekken": "Withdraw the cancellation",
        "Betaald tot en met %(paid)s; op %(next)s volgt de volgende automatische betaling.": "Paid up to and including %(paid)s; the next automatic payment follows on %(next)s.",
        "Opzeggen gaat in aan het einde van de betaalde termijn: u houdt toegang tot en met %(date)s.": "Cancelling takes effect at the end of the paid period: you keep access up to and including %(date)s.",
        "Abonnement opzeggen": "Cancel subscription",
        "Kies een abonnement": "Choose a subscription",
        "incl. 21%% btw": "incl. 21%% VAT",
        "excl. btw": "excl. VAT",
        "%(name)s afsluiten": "Subscribe to %(name)s",
        "Er zijn op dit moment geen abonnementen af te sluiten.": "There are no subscriptions available right now.",
        "U betaalt de eerste termijn via Mollie; daarna schrijven we elke termijn automatisch af. Zakelijke klanten in een ander EU-land met een btw-nummer betalen zonder btw (btw verlegd).": "You pay the first period through Mollie; after that we collect each period automatically. Business customers in another EU country with a VAT id pay without VAT (reverse charge).",
        "Facturen": "Invoices",
        "Nummer": "Number",
        "Datum": "Date",
        "Bedrag": "Amount",
        "Nog geen facturen.": "No invoices yet.",
        "Eerdere abonnementen": "Earlier subscriptions",
        "Uw betaling": "Your payment",
        "Betaling ontvangen.": "Payment received.",
        "Uw abonnement is actief, betaald tot en met %(date)s.": "Your subscription is active, paid up to and including %(date)s.",
        "Naar uw abonnement": "Go to your subscription",
        "We wachten op de bevestiging van uw betaling.": "We are waiting for the confirmation of your payment.",
        "Deze pagina ververst vanzelf. Heeft u de betaling nog niet afgerond, dan kunt u verder gaan waar u was.": "This page refreshes by itself. If you have not finished the payment yet, you can continue where you left off.",
        "Verder met betalen": "Continue paying",
        "U heeft de betaling geannuleerd.": "You cancelled the payment.",
        "De betaling is verlopen.": "The payment has expired.",
        "De betaling is mislukt.": "The payment failed.",
        "Er is niets afgeschreven en uw abonnement is niet gestart.": "Nothing has been charged and your subscription has not started.",
        "Opnieuw proberen": "Try again",
        "De betaling is nog niet gestart: Mollie was niet bereikbaar.": "The payment has not started yet: Mollie could not be reached.",
        "Er is niets afgeschreven.": "Nothing has been charged.",
    }
)

EN.update(
    {
        "Dit wachtwoord is te kort. Het moet minstens %(min_length)d teken bevatten.": (
            "This password is too short. It must contain at least %(min_length)d character.",
            "This password is too short. It must contain at least %(min_length)d characters.",
        ),
        "Uw wachtwoord moet minstens %(min_length)d teken bevatten.": (
            "Your password must contain at least %(min_length)d character.",
            "Your password must contain at least %(min_length)d characters.",
        ),
        "Uw sessies": "Your sessions",
        "Tabel": "Table",
    }
)

EN.update(
    {
        "gewijzigde velden": "changed fields",
        "Volledig terugbetalen (via Mollie)": "Refund in full (through Mollie)",
        "%(payment)s: € %(amount)s terugbetaald.": "%(payment)s: € %(amount)s refunded.",
        "Alleen een betaalde betaling kan worden terugbetaald.": "Only a paid payment can be refunded.",
        "Het bedrag moet tussen € 0,01 en € %(max)s liggen.": "The amount must be between € 0.01 and € %(max)s.",
        # Invoice PDFs and credit notes
        "Creditnota opgesteld": "Credit note issued",
        "Pdf van factuur of creditnota vastgelegd": "PDF of invoice or credit note stored",
        "pdf": "PDF",
        "SHA-256 van de pdf": "SHA-256 of the PDF",
        "creditnota": "credit note",
        "creditnota's": "credit notes",
        "nummer": "number",
        "datum": "date",
        "terugbetaald vóór": "refunded before",
        "terugbetaald na": "refunded after",
        "Factuur %(number)s downloaden (pdf)": "Download invoice %(number)s (PDF)",
        "De factuur is in het Nederlands, met de Engelse omschrijving bij elk onderdeel.": "The invoice is in Dutch, with the English label beside each part.",
        "Creditnota's bij deze factuur": "Credit notes for this invoice",
        "Voor een terugbetaling maken we een creditnota: een correctie van deze factuur met negatieve bedragen.": "For a refund we issue a credit note: a correction of this invoice with negative amounts.",
        "Creditnota %(number)s (pdf)": "Credit note %(number)s (PDF)",
        "Factuur %(number)s (pdf)": "Invoice %(number)s (PDF)",
        "Creditnota %(number)s bij %(invoice)s": "Credit note %(number)s for %(invoice)s",
        "Mollie-klant-, machtigings- en betalingskenmerken, bedragen, betaaldata, facturen en creditnota's met naam en factuuradres": "Mollie customer, mandate and payment references, amounts, payment dates, invoices and credit notes with name and billing address",
        # Dunning (failed automatic payments).
        "betaling achterstallig": "payment overdue",
        "taal": "language",
        "betaling achterstallig sinds": "payment overdue since",
        "mislukte betaling": "failed payment",
        "openstaand bedrag": "amount due",
        "herinneringen verstuurd": "reminders sent",
        "betaalt achterstand van": "pays the arrears of",
        "Automatische betaling mislukt: betaling achterstallig": "Automatic payment failed: payment overdue",
        "Betalingsherinnering verstuurd": "Payment reminder sent",
        "Achterstallige betaling afgehandeld": "Overdue payment settled",
        "achterstallige betaling": "overdue payment",
        "Er staat voor dit abonnement geen betaling open.": "There is no payment due for this subscription.",
        "Dit abonnement heeft geen achterstallige betaling.": "This subscription has no overdue payment.",
        "Geef een reden op.": "Please give a reason.",
        "achterstallig (alle)": "overdue (all)",
        "achterstallig, nog geen herinnering": "overdue, no reminder yet",
        "achterstallig, herinnerd": "overdue, reminded",
        "achterstallig, termijn verstreken": "overdue, deadline passed",
        "beëindigd wegens niet betalen": "ended for non-payment",
        "Achterstand afgehandeld: betaling achterstallig beëindigen": "Arrears settled: end the overdue state",
        "%(subscription)s: achterstand afgehandeld.": "%(subscription)s: arrears settled.",
        "Geen van de gekozen abonnementen heeft een achterstallige betaling.": "None of the selected subscriptions has an overdue payment.",
        "Achterstand afgehandeld": "Arrears settled",
        "Het abonnement wordt weer actief en de achterstallige termijn telt als afgehandeld (er wordt geen factuur gemaakt). Gebruik dit als de klant buiten Mollie om heeft betaald, of als u de achterstand kwijtscheldt.": "The subscription becomes active again and the overdue period counts as settled (no invoice is made). Use this when the customer paid outside Mollie, or when you waive the arrears.",
        "Reden (wordt vastgelegd in het logboek)": "Reason (recorded in the audit log)",
        "Beste %(name)s,": "Dear %(name)s,",
        "Uw betaling voor %(PRODUCT_NAME)s (%(plan)s) van € %(amount)s is op %(failed_on)s teruggeboekt.": "Your payment of € %(amount)s for %(PRODUCT_NAME)s (%(plan)s) was charged back on %(failed_on)s.",
        "De automatische betaling van € %(amount)s voor %(PRODUCT_NAME)s (%(plan)s) is op %(failed_on)s mislukt.": "The automatic payment of € %(amount)s for %(PRODUCT_NAME)s (%(plan)s) failed on %(failed_on)s.",
        "Betaal het bedrag vóór %(pay_before)s om uw abonnement te behouden. U kunt daarbij een andere betaalmethode kiezen.": "Please pay the amount before %(pay_before)s to keep your subscription. You may choose another payment method.",
        "Nu betalen": "Pay now",
        "Heeft u vragen? Neem gerust contact met ons op.": "Any questions? Please do contact us.",
        "Uw betaling is teruggeboekt: betaal vóór": "Your payment was charged back: pay before",
        "Automatische betaling mislukt: betaal vóór": "Automatic payment failed: pay before",
        "Op %(failed_on)s is de betaling van € %(amount)s voor %(PRODUCT_NAME)s (%(plan)s) niet gelukt, en het bedrag staat nog open.": "On %(failed_on)s the payment of € %(amount)s for %(PRODUCT_NAME)s (%(plan)s) did not succeed, and the amount is still due.",
        "Dit is de laatste herinnering: betaalt u niet vóór %(pay_before)s, dan beëindigen wij uw abonnement.": "This is the last reminder: if you do not pay before %(pay_before)s, we will end your subscription.",
        "Betaal het bedrag vóór %(pay_before)s om uw abonnement te behouden.": "Please pay the amount before %(pay_before)s to keep your subscription.",
        "Laatste herinnering: betaal vóór": "Last reminder: pay before",
        "Herinnering: betaal vóór": "Reminder: pay before",
        "Uw abonnement is beëindigd": "Your subscription has ended",
        "De betaling van € %(amount)s voor %(PRODUCT_NAME)s (%(plan)s) die op %(failed_on)s niet lukte, hebben wij niet vóór %(pay_before)s ontvangen. Daarom hebben wij uw abonnement beëindigd; er wordt niets meer automatisch afgeschreven.": "We did not receive the payment of € %(amount)s for %(PRODUCT_NAME)s (%(plan)s), which failed on %(failed_on)s, before %(pay_before)s. We have therefore ended your subscription; nothing more will be charged automatically.",
        'Wilt u %(PRODUCT_NAME)s weer gebruiken? Sluit dan een nieuw abonnement af: <a href="%(url)s">%(url)s</a>': 'Would you like to use %(PRODUCT_NAME)s again? Take out a new subscription: <a href="%(url)s">%(url)s</a>',
        "Wilt u %(PRODUCT_NAME)s weer gebruiken? Sluit dan een nieuw abonnement af: %(url)s": "Would you like to use %(PRODUCT_NAME)s again? Take out a new subscription: %(url)s",
        "Betaling teruggeboekt op %(date)s": "Payment charged back on %(date)s",
        "Betaling mislukt op %(date)s": "Payment failed on %(date)s",
        "betaal vóór %(date)s om uw abonnement te behouden.": "please pay before %(date)s to keep your subscription.",
        "Openstaand bedrag: € %(amount)s (incl. btw).": "Amount due: € %(amount)s (incl. VAT).",
        "U betaalt via Mollie en kunt daarbij een andere betaalmethode kiezen; die gebruiken we daarna ook voor de automatische betalingen.": "You pay through Mollie and may choose another payment method; we then use it for the automatic payments too.",
        "Er is niets afgeschreven; het bedrag staat nog open.": "Nothing has been charged; the amount is still due.",
    }
)

# The sandbox's hosted checkout (stands in for Mollie's, which speaks the payer's language).
EN.update(
    {
        "Mollie sandbox: afrekenen": "Mollie sandbox: checkout",
        "Mollie sandbox · testbetaling, er wordt geen geld overgemaakt": "Mollie sandbox · test payment, no money is transferred",
        "Afrekenen": "Checkout",
        "Betaalmethode": "Payment method",
        "Creditcard": "Credit card",
        "iDEAL (daarna automatische incasso)": "iDEAL (then direct debit)",
        "Uitkomst van deze testbetaling": "Outcome of this test payment",
        "Ga verder": "Continue",
        "Deze betaling is al afgerond: %(status)s.": "This payment has already been completed: %(status)s.",
        "Terug naar de webwinkel": "Back to the shop",
        "Kies een uitkomst.": "Choose an outcome.",
        "Betaling": "Payment",
        "%(plan)s: eerste termijn": "%(plan)s: first period",
        "%(plan)s: achterstallige betaling": "%(plan)s: overdue payment",
        "Vul eerst uw naam en adres in bij Mijn gegevens: die komen op uw factuur.": "Please first enter your name and address under My data: they go on your invoice.",
        "Uw factuur moet uw naam en adres vermelden. Vul die eerst in; daarna kunt u hier een abonnement afsluiten.": "Your invoice must show your name and address. Please enter them first; then you can subscribe here.",
        "Naam en adres invullen": "Enter name and address",
        "%(product)s: terugbetaling %(payment)s": "%(product)s: refund %(payment)s",
    }
)

# The sandbox's control page (development and tests only).
EN.update(
    {
        "Mollie sandbox: bediening": "Mollie sandbox: controls",
        "Mollie sandbox · alleen in ontwikkeling en tests": "Mollie sandbox · development and tests only",
        "Sandbox-bediening": "Sandbox controls",
        "Abonnementen": "Subscriptions",
        "klant": "customer",
        "bedrag": "amount",
        "volgende incasso": "next charge",
        "actie": "action",
        "uitkomst": "outcome",
        "Volgende incasso": "Next charge",
        "Geen abonnementen.": "No subscriptions.",
        "soort": "kind",
        "terugbetaald": "refunded",
        "teruggeboekt": "charged back",
        "acties": "actions",
        "Zet": "Set",
        "Terugbetalen": "Refund",
        "Terugboeken": "Charge back",
        "Geen betalingen.": "No payments.",
        "Storingen": "Faults",
        "Geen storingen actief.": "No faults active.",
        "Aantal keer": "Number of times",
        "Storing instellen": "Set fault",
        "Alle storingen opheffen": "Clear all faults",
        "Vastgehouden webhooks versturen (omgekeerde volgorde)": "Send held webhooks (reverse order)",
        "Openstaande pogingen nu versturen": "Send pending attempts now",
        "pogingen": "attempts",
        "laatste antwoord": "last answer",
        "volgende poging": "next attempt",
        "Nog geen webhooks.": "No webhooks yet.",
        "Doel": "Target",
        "bijv.": "e.g.",
        "Incasso %(id)s aangemaakt.": "Charge %(id)s created.",
        "Status van %(id)s gewijzigd.": "Status of %(id)s changed.",
        "Terugbetaling %(id)s aangemaakt.": "Refund %(id)s created.",
        "Terugboeking %(id)s aangemaakt.": "Chargeback %(id)s created.",
        "Machtiging %(id)s ingetrokken.": "Mandate %(id)s revoked.",
        "Storing ingesteld: %(fault)s.": "Fault set: %(fault)s.",
        "%(n)s storing(en) opgeheven.": "%(n)s fault(s) cleared.",
        "%(n)s vastgehouden webhook(s) verstuurd.": "%(n)s held webhook(s) sent.",
        "%(n)s webhook(s) verstuurd.": "%(n)s webhook(s) sent.",
        "Onbekende actie.": "Unknown action.",
    }
)

# --- backoffice ---
EN.update(
    {
        "bedrag (EUR, incl. btw)": "amount (EUR, incl. VAT)",
        "Leeg: alles wat nog niet is terugbetaald.": "Empty: everything not refunded yet.",
        "bewaarplicht": "legal hold",
        "Het account is opgeheven; de klant krijgt een bevestiging per e-mail.": (
            "The account is closed; the customer gets a confirmation by e-mail."
        ),
        "Het account is heropend; het wordt niet meer gewist.": "The account is reopened; it will no longer be erased.",
        "De gegevensexport wordt gemaakt; de klant krijgt de downloadlink per e-mail.": (
            "The data export is being made; the customer gets the download link by e-mail."
        ),
        "Bewaarplicht ingesteld: de gegevens van deze klant worden niet gewist.": (
            "Legal hold placed: this customer's data will not be erased."
        ),
        "Bewaarplicht opgeheven.": "Legal hold released.",
        "Bevestigingsmail opnieuw verstuurd naar %(email)s.": "Confirmation e-mail sent again to %(email)s.",
        "Het abonnement is direct beëindigd (ook bij Mollie).": "The subscription has ended at once (at Mollie too).",
        "€ %(amount)s terugbetaling aangevraagd bij Mollie; de creditnota volgt.": (
            "Refund of € %(amount)s requested at Mollie; the credit note follows."
        ),
        "Account heropenen": "Reopen account",
        "Gegevensexport starten": "Start data export",
        "Bewaarplicht instellen": "Place legal hold",
        "Bewaarplicht opheffen": "Release legal hold",
        "Bevestigingsmail opnieuw sturen": "Resend confirmation e-mail",
        "Abonnement direct beëindigen": "End subscription at once",
        "Betaling terugbetalen": "Refund payment",
        "Klantacties": "Customer actions",
        "Een klant wordt niet verwijderd. Hef het account op met de klantactie 'Account opheffen': het abonnement "
        "stopt, de klant krijgt bericht en de gegevens worden na de bewaartermijn gewist.": (
            "A customer is never deleted. Close the account with the customer action 'Close account': the "
            "subscription stops, the customer is told and the data is erased after the retention period."
        ),
        "Deze actie is voor deze klant nu niet mogelijk.": "This action is not possible for this customer now.",
        "De reden is langer dan 500 tekens.": "The reason is longer than 500 characters.",
        "Dit account bestaat niet meer.": "This account no longer exists.",
        "Dit account is niet opgeheven.": "This account is not closed.",
        "De bewaartermijn van dit account is voorbij; het kan niet meer worden heropend.": (
            "The retention period of this account is over; it can no longer be reopened."
        ),
        "Dit account is opgeheven.": "This account is closed.",
        "Alle e-mailadressen van deze klant zijn al bevestigd.": "All of this customer's e-mail addresses are confirmed.",
        "Opgeheven account heropend": "Closed account reopened",
        "Bevestigingsmail opnieuw verstuurd": "Confirmation e-mail sent again",
        "Abonnement afgerekend bij opheffen account": "Subscription settled when the account was closed",
        "Geef de abonnementsvorm een naam.": "Give the plan a name.",
        "Het is opgeheven op %(closed_on)s. Wij bewaren de accountgegevens tot en met %(kept_until)s en wissen ze "
        "daarna.": (
            "It was closed on %(closed_on)s. We keep the account data until and including %(kept_until)s and erase "
            "it after that."
        ),
        "Vragen, of wilt u het account terug? Neem binnen de bewaartermijn contact op met onze support: %(email)s "
        "of %(phone)s.": (
            "Questions, or do you want the account back? Contact our support within the retention period: "
            "%(email)s or %(phone)s."
        ),
        "Na het opheffen kunt u niet meer inloggen en worden al uw sessies beëindigd.": (
            "After closing you can no longer log in and all your sessions are ended."
        ),
        "Uw accountgegevens bewaren wij nog drie maanden, tot en met %(kept_until)s; daarna worden ze gewist. Tot "
        "die dag kan onze support het account op uw verzoek heropenen.": (
            "We keep your account data for three more months, until and including %(kept_until)s; after that it is "
            "erased. Until that day our support can reopen the account at your request."
        ),
        "Factuurgegevens bewaren wij zeven jaar na het einde van uw abonnement, omdat de wet dat verplicht.": (
            "We keep billing data for seven years after your subscription ends, because the law requires it."
        ),
        "Wat er met uw abonnement gebeurt": "What happens to your subscription",
        "Wij bewaren uw accountgegevens tot en met %(kept_until)s en wissen ze daarna. Factuurgegevens bewaren wij "
        "zeven jaar na het einde van uw abonnement, omdat de wet dat verplicht.": (
            "We keep your account data until and including %(kept_until)s and erase it after that. We keep billing "
            "data for seven years after your subscription ends, because the law requires it."
        ),
        "Op uw verzoek heeft onze support uw account voor %(PRODUCT_NAME)s heropend. U kunt weer inloggen; uw "
        "gegevens worden niet meer gewist. Een abonnement dat bij het opheffen is beëindigd, blijft beëindigd: u "
        "kunt in het portaal een nieuw abonnement afsluiten.": (
            "At your request our support has reopened your %(PRODUCT_NAME)s account. You can log in again; your data "
            "will no longer be erased. A subscription that ended with the closure stays ended: you can take out a "
            "new subscription in the portal."
        ),
        "Heeft u hier niet om gevraagd? Neem dan direct contact met ons op.": (
            "Did you not ask for this? Then contact us at once."
        ),
        "Uw account is heropend": "Your account has been reopened",
        "Er is gevraagd om met dit e-mailadres een wachtwoord te herstellen of een account aan te maken bij "
        "%(PRODUCT_NAME)s. Het account %(username)s bij dit adres is op %(closed_on)s opgeheven: inloggen, een "
        "nieuw wachtwoord kiezen en opnieuw registreren met dit adres kan daarom niet.": (
            "Someone asked to reset a password or to create an account at %(PRODUCT_NAME)s with this e-mail address. "
            "The account %(username)s with this address was closed on %(closed_on)s: logging in, choosing a new "
            "password and registering again with this address are therefore not possible."
        ),
        "Wij bewaren de accountgegevens tot en met %(kept_until)s en wissen ze daarna. Vanaf de dag daarna kunt u "
        "met dit adres een nieuw account aanmaken.": (
            "We keep the account data until and including %(kept_until)s and erase it after that. From the day after, "
            "you can create a new account with this address."
        ),
        "Heeft u dit niet zelf gevraagd? Dan kunt u deze e-mail negeren.": (
            "Did you not ask for this yourself? Then you can ignore this e-mail."
        ),
        "Home": "Home",
        "Annuleren": "Cancel",
        "Uw abonnement %(plan)s stopt direct, op %(ends_on)s. Daarna wordt er niets meer afgeschreven.": (
            "Your %(plan)s subscription stops at once, on %(ends_on)s. Nothing is charged after that."
        ),
        "U heeft betaald tot en met %(paid_through)s (factuur %(invoice)s). Van die termijn van %(period_days)s "
        "dagen gebruikt u er %(unused_days)s niet.": (
            "You have paid up to and including %(paid_through)s (invoice %(invoice)s). Of that period of "
            "%(period_days)s days you do not use %(unused_days)s."
        ),
        "U krijgt € %(refund)s (incl. btw) terug": "You get € %(refund)s (incl. VAT) back",
        ", via Mollie op de rekening of kaart waarmee u betaalde, met een creditnota bij factuur %(invoice)s.": (
            ", through Mollie to the account or card you paid with, with a credit note for invoice %(invoice)s."
        ),
        "U heeft betaald tot en met %(paid_through)s (factuur %(invoice)s). Dat is de dag van opheffen: er blijven "
        "geen ongebruikte dagen over, dus er is geen terugbetaling.": (
            "You have paid up to and including %(paid_through)s (invoice %(invoice)s). That is the day of closing: "
            "no unused days are left, so there is no refund."
        ),
        "Uw abonnement was nog niet gestart. Wordt de eerste betaling toch nog voltooid, dan betalen wij die "
        "volledig terug.": (
            "Your subscription had not started yet. If the first payment is still completed, we refund it in full."
        ),
        "Het openstaande bedrag van € %(arrears)s wordt niet meer automatisch afgeschreven.": (
            "The outstanding amount of € %(arrears)s is no longer collected automatically."
        ),
        "Een automatische betaling die al was gestart, betalen wij volledig terug als die toch nog lukt.": (
            "An automatic payment that had already started is refunded in full if it still succeeds."
        ),
        "Uw laatste factuur is %(invoice)s.": "Your last invoice is %(invoice)s.",
        "Er is geen factuur opgesteld.": "No invoice was issued.",
        "Mollie gaf geen bruikbaar antwoord. Probeer het later opnieuw: dezelfde aanvraag wordt nooit twee keer "
        "uitgevoerd.": ("Mollie gave no usable answer. Try again later: the same request is never carried out twice."),
    }
)

# --- cookies ---
EN.update(
    {
        "Cookietoestemming geweigerd": "Cookie consent refused",
        "toestemmings-id": "consent id",
        "tijdstip": "time",
        "geaccepteerde groepen": "groups accepted",
        "geweigerde groepen": "groups refused",
        "versie privacyverklaring": "privacy statement version",
        "versie cookiedeel": "cookie part version",
        "IP-netwerk (ingekort)": "IP network (truncated)",
        "browser": "browser",
        "gebruiker": "user",
        "cookietoestemming": "cookie consent",
        "cookietoestemmingen": "cookie consents",
        "geaccepteerd": "accepted",
        "geweigerd": "refused",
        "Toestemmings-id, bijvoorbeeld 7K3M-9QXP-A2ZB-R4TD": "Consent id, for example 7K3M-9QXP-A2ZB-R4TD",
        "Noodzakelijk": "Necessary",
        "Nodig om het portaal te laten werken: ingelogd blijven, beveiliging tegen misbruik, uw taalkeuze en het onthouden van uw cookiekeuze. Deze cookies staan altijd aan.": "Needed for the portal to work: staying logged in, protection against abuse, your language choice and remembering your cookie choice. These cookies are always on.",
        "Analytisch": "Analytics",
        "Google Analytics: wij zien hoe bezoekers het portaal gebruiken, zodat wij het kunnen verbeteren. Google ontvangt daarbij uw IP-adres. Alleen met uw toestemming.": "Google Analytics: we see how visitors use the portal so that we can improve it. Google receives your IP address in doing so. Only with your consent.",
        "onderscheidt bezoekers (Google Analytics, 2 jaar)": "tells visitors apart (Google Analytics, 2 years)",
        "houdt uw bezoek bij (Google Analytics, 2 jaar)": "keeps track of your visit (Google Analytics, 2 years)",
        "houdt u ingelogd (sessie)": "keeps you logged in (session)",
        "beveiliging van formulieren tegen misbruik": "protects forms against abuse",
        "uw taalkeuze": "your language choice",
        "uw keuze per soort cookie": "your choice per kind of cookie",
        "het toestemmings-id van uw keuze": "the consent id of your choice",
        "een melding voor de volgende pagina": "a message for the next page",
        "Uw keuze noemt een soort cookie die wij niet kennen.": "Your choice names a kind of cookie we do not know.",
        "Kies voor elke soort cookie of u die toestaat.": "Choose for every kind of cookie whether you allow it.",
        "Uw keuze kon niet worden verwerkt. Kies opnieuw met de knoppen op deze pagina.": "Your choice could not be processed. Please choose again with the buttons on this page.",
        "Uw cookiekeuze is opgeslagen (toestemmings-id %(id)s).": "Your cookie choice has been saved (consent id %(id)s).",
        "Cookies op dit portaal": "Cookies on this portal",
        "Wij gebruiken noodzakelijke cookies om het portaal te laten werken. Met uw toestemming gebruiken wij ook analytische cookies van Google Analytics. U kunt uw keuze altijd wijzigen via „Cookie-instellingen” onderaan elke pagina.": "We use necessary cookies to make the portal work. With your consent we also use analytics cookies from Google Analytics. You can change your choice at any time through “Cookie settings” at the bottom of every page.",
        "Instellingen voor „%(name)s”": "Settings for “%(name)s”",
        "altijd aan": "always on",
        "Accepteren": "Accept",
        "Weigeren": "Reject",
        "Uw keuze is vastgelegd op %(when)s.": "Your choice was recorded on %(when)s.",
        "Uw toestemmings-id:": "Your consent id:",
        "Noem dit id als u ons vraagt naar uw toestemming.": "Quote this id when you ask us about your consent.",
        "Wij vragen het u opnieuw na %(until)s, of eerder als het cookiedeel van onze privacyverklaring verandert.": "We will ask you again after %(until)s, or sooner if the cookie part of our privacy statement changes.",
        "Uw vorige keuze (toestemmings-id %(id)s) geldt niet meer: hij is ouder dan twaalf maanden, of onze cookies of het cookiedeel van onze privacyverklaring zijn veranderd. Kies opnieuw.": "Your previous choice (consent id %(id)s) no longer applies: it is older than twelve months, or our cookies or the cookie part of our privacy statement have changed. Please choose again.",
        "U heeft nog geen keuze gemaakt. Tot u dat doet, gebruiken wij alleen noodzakelijke cookies.": "You have not made a choice yet. Until you do, we only use necessary cookies.",
        "Altijd aan": "Always on",
        "Cookies voor „%(name)s”": "Cookies for “%(name)s”",
        "Toestaan": "Allow",
        "Niet toestaan": "Do not allow",
        "Nu: toegestaan.": "Now: allowed.",
        "Nu: geweigerd.": "Now: refused.",
        "Nu: nog niet gekozen (uit).": "Now: not chosen yet (off).",
        "Cookies in de groep „%(name)s”": "Cookies in the group “%(name)s”",
        "Naam": "Name",
        "Waarvoor": "What for",
        "Keuze opslaan": "Save choice",
        "drie jaar na elke keuze": "three years after each choice",
        "Cookiekeuzes": "Cookie choices",
        "Kunnen aantonen dat u toestemming gaf (of weigerde) voor analytische cookies.": "Being able to show that you gave (or refused) consent for analytics cookies.",
        "uw cookiekeuze": "your cookie choice",
        "toestemmings-id, tijdstip, geaccepteerde en geweigerde soorten cookies, versie van de privacyverklaring, IP-netwerk (ingekort tot /24 of /48), browser, uw account als u was ingelogd": "consent id, time, kinds of cookies accepted and refused, privacy statement version, IP network (truncated to /24 or /48), browser, your account if you were logged in",
    }
)

# --- statement ---
EN.update(
    {
        "Nieuwe privacyverklaring aangekondigd per e-mail": "New privacy statement announced by e-mail",
        "Aankondiging": "Announcement",
        "voorbeeld": "preview",
        "Bekijk deze versie": "View this version",
        "Publiceren en aan alle klanten aankondigen": "Publish and announce to all customers",
        "%(version)s is gepubliceerd; de aankondiging gaat naar alle actieve klanten.": (
            "%(version)s is published; the announcement goes to all active customers."
        ),
        "concept": "draft",
        "gepubliceerd": "published",
        "Inleiding": "Introduction",
        "Portaal, abonnement en account": "Portal, subscription and account",
        "Verstrekking aan andere bedrijven of instellingen": "Disclosure to other companies or institutions",
        "Reclame": "Advertising",
        "Cookies": "Cookies",
        "Google Analytics": "Google Analytics",
        "Beveiliging": "Security",
        "Wijzigingen in deze privacyverklaring": "Changes to this privacy statement",
        "Klacht indienen": "Lodging a complaint",
        "versie": "version",
        "geldig vanaf": "effective from",
        "De datum waarop deze versie ingaat; tot dan blijft de vorige versie gelden.": (
            "The date this version takes effect; until then the previous version applies."
        ),
        "wat is er veranderd (Nederlands)": "what changed (Dutch)",
        "Korte samenvatting voor de aankondiging per e-mail en in het portaal.": (
            "Short summary for the announcement by e-mail and in the portal."
        ),
        "wat is er veranderd (Engels)": "what changed (English)",
        "inleiding (Nederlands)": "introduction (Dutch)",
        "inleiding (Engels)": "introduction (English)",
        "portaal, abonnement en account (Nederlands)": "portal, subscription and account (Dutch)",
        "portaal, abonnement en account (Engels)": "portal, subscription and account (English)",
        "verstrekking aan anderen (Nederlands)": "disclosure to others (Dutch)",
        "verstrekking aan anderen (Engels)": "disclosure to others (English)",
        "reclame (Nederlands)": "advertising (Dutch)",
        "reclame (Engels)": "advertising (English)",
        "cookies (Nederlands)": "cookies (Dutch)",
        "cookies (Engels)": "cookies (English)",
        "Google Analytics (Nederlands)": "Google Analytics (Dutch)",
        "Google Analytics (Engels)": "Google Analytics (English)",
        "beveiliging (Nederlands)": "security (Dutch)",
        "beveiliging (Engels)": "security (English)",
        "wijzigingen (Nederlands)": "changes (Dutch)",
        "wijzigingen (Engels)": "changes (English)",
        "klacht indienen (Nederlands)": "lodging a complaint (Dutch)",
        "klacht indienen (Engels)": "lodging a complaint (English)",
        "gegevensparagrafen bij publicatie": "data sections at publication",
        "gepubliceerd op": "published at",
        "versie van de privacyverklaring": "privacy statement version",
        "versies van de privacyverklaring": "privacy statement versions",
        "Versie %(number)s": "Version %(number)s",
        "sleutel": "key",
        "Vaste naam waarmee het register naar deze partij verwijst, bijv. mollie.": (
            "Fixed name by which the register refers to this party, e.g. mollie."
        ),
        "doel (Nederlands)": "purpose (Dutch)",
        "doel (Engels)": "purpose (English)",
        "buiten de EU": "outside the EU",
        "doorgiftegrondslag (Nederlands)": "transfer basis (Dutch)",
        "Verplicht buiten de EU, bijv. het EU-VS Data Privacy Framework of modelcontractbepalingen.": (
            "Required outside the EU, e.g. the EU-US Data Privacy Framework or standard contractual clauses."
        ),
        "doorgiftegrondslag (Engels)": "transfer basis (English)",
        "verwerkersovereenkomst gesloten op": "data processing agreement concluded on",
        "volgorde": "order",
        "ontvanger of verwerker": "recipient or processor",
        "ontvangers en verwerkers": "recipients and processors",
        "Geef de grondslag voor doorgifte buiten de EU op.": "Give the basis for the transfer outside the EU.",
        "verstuurd op": "sent at",
        "aankondiging van de privacyverklaring": "privacy statement announcement",
        "aankondigingen van de privacyverklaring": "privacy statement announcements",
        "geopend op": "opened at",
        "gelezen privacyverklaring": "privacy statement read",
        "gelezen privacyverklaringen": "privacy statements read",
        "Aankondigingen van de privacyverklaring": "Privacy statement announcements",
        "Kunnen aantonen dat wij u over een nieuwe privacyverklaring hebben verteld en dat u die hebt geopend.": (
            "Being able to show that we told you about a new privacy statement and that you opened it."
        ),
        "welke versie wij u mailden en wanneer, welke versie u opende en wanneer": (
            "which version we mailed you and when, which version you opened and when"
        ),
        "Deze versie is al gepubliceerd en kan niet meer veranderen.": (
            "This version has already been published and can no longer change."
        ),
        "De ingangsdatum kan niet in het verleden liggen.": "The effective date cannot be in the past.",
        "De ingangsdatum moet op of na die van versie %(number)s liggen (%(date)s).": (
            "The effective date must be on or after that of version %(number)s (%(date)s)."
        ),
        "Privacyverklaring gewijzigd": "Privacy statement changed",
        "Onze privacyverklaring is gewijzigd op %(date)s.": "Our privacy statement changed on %(date)s.",
        "Onze privacyverklaring wijzigt op %(date)s.": "Our privacy statement changes on %(date)s.",
        "Lees de nieuwe versie": "Read the new version",
        "%(company)s heeft de privacyverklaring gewijzigd. De nieuwe versie geldt vanaf %(date)s.": (
            "%(company)s has changed its privacy statement. The new version applies from %(date)s."
        ),
        "%(company)s wijzigt de privacyverklaring. De nieuwe versie gaat in op %(date)s; tot die datum geldt de huidige versie.": (
            "%(company)s is changing its privacy statement. The new version takes effect on %(date)s; "
            "until then the current version applies."
        ),
        "Wat er verandert:": "What changes:",
        "U hoeft niets te doen. Vragen? Beantwoord deze e-mail of neem contact met ons op.": (
            "You do not need to do anything. Questions? Reply to this e-mail or contact us."
        ),
        "Lees de nieuwe versie:": "Read the new version:",
        "Onze privacyverklaring wijzigt": "Our privacy statement is changing",
        "Voorbeeld van concept %(number)s: alleen medewerkers zien dit. Klanten zien deze tekst pas na publicatie.": (
            "Preview of draft %(number)s: only staff see this. Customers see this text only once it is published."
        ),
        "Deze versie gaat in op %(date)s. Tot die datum geldt de huidige versie.": (
            "This version takes effect on %(date)s. Until then the current version applies."
        ),
        "Huidige versie": "Current version",
        "Dit is een oudere versie van onze privacyverklaring.": "This is an older version of our privacy statement.",
        "Privacyverklaring %(company)s": "Privacy statement %(company)s",
        "Laatst gewijzigd op": "Last changed on",
        "versie %(number)s": "version %(number)s",
        "Alle versies": "All versions",
        "Welke gegevens wij verwerken, waarom en hoe lang": "What data we process, why and for how long",
        "Deze paragraaf komt rechtstreeks uit het register dat ons systeem gebruikt om gegevens op tijd te verwijderen: wat hier staat, doet het systeem.": (
            "This section comes straight from the register our system uses to remove data on time: what it "
            "says here is what the system does."
        ),
        "Welke gegevens": "What data",
        "Hoe lang wij het bewaren": "How long we keep it",
        "Wie het ontvangt": "Who receives it",
        "Alleen wij": "Only us",
        "Ontvangers en verwerkers": "Recipients and processors",
        "Partij": "Party",
        "Land": "Country",
        "Buiten de EU": "Outside the EU",
        "Grondslag voor doorgifte": "Transfer basis",
        "Overeenkomst sinds": "Agreement since",
        "ja": "yes",
        "nee": "no",
        "niet nodig (binnen de EU)": "not needed (inside the EU)",
        "Website van de Autoriteit Persoonsgegevens": "Website of the Autoriteit Persoonsgegevens",
        "Contactgegevens": "Contact details",
        "Versies van de privacyverklaring": "Privacy statement versions",
        "Alle versies die wij hebben gepubliceerd, de nieuwste bovenaan. Oudere versies blijven leesbaar.": (
            "Every version we have published, newest first. Older versions remain readable."
        ),
        "gaat in op %(date)s": "takes effect on %(date)s",
        "geldig vanaf %(date)s": "effective from %(date)s",
        "huidige versie": "current version",
        "gemaild aan": "mailed to",
        "geopend door": "opened by",
        "Het register van persoonsgegevens of de lijst van ontvangers is gewijzigd sinds versie %(number)s werd gepubliceerd. De privacyverklaring toont de nieuwe stand al; publiceer een nieuwe versie om de wijziging aan te kondigen.": (
            "The register of personal data or the list of recipients has changed since version %(number)s was "
            "published. The privacy statement already shows the new state; publish a new version to announce "
            "the change."
        ),
    }
)

# --- marketing ---
EN.update(
    {
        "Ik wil geen aanbiedingen per e-mail ontvangen": "I do not want to receive offers by e-mail",
        "Mailing aangemaakt": "Mailing created",
        "Verzending van mailing gestart": "Sending of mailing started",
        "Verzending van mailing afgerond": "Sending of mailing finished",
        "Engels": "English",
        "Verzending": "Sending",
        "voortgang": "progress",
        "%(sent)d van %(total)d verstuurd · %(pending)d wachten · %(skipped)d overgeslagen · %(failed)d mislukt · "
        "%(unknown)d onbekend": "%(sent)d of %(total)d sent · %(pending)d waiting · %(skipped)d skipped · "
        "%(failed)d failed · %(unknown)d unknown",
        "Deze mailing is al verstuurd of wordt verstuurd.": "This mailing has been sent or is being sent already.",
        "De mailing wordt verstuurd naar %(count)d klanten. De voortgang staat hieronder.": (
            "The mailing is being sent to %(count)d customers. The progress is shown below."
        ),
        "Mailing versturen": "Send mailing",
        "laatste fout": "last error",
        "Aanbiedingen en nieuws over onze producten per e-mail": "Offers and news about our products by e-mail",
        "Ja, stuur mij aanbiedingen per e-mail": "Yes, send me offers by e-mail",
        "Nee, ik wil geen aanbiedingen per e-mail ontvangen": "No, I do not want to receive offers by e-mail",
        "Kies een van beide.": "Choose one of the two.",
        "bij het registreren": "when signing up",
        "op de pagina E-mailvoorkeuren": "on the E-mail preferences page",
        "met de afmeldlink in een e-mail": "with the unsubscribe link in an e-mail",
        "%(what)s is te lang (hoogstens %(limit)d tekens).": "%(what)s is too long (at most %(limit)d characters).",
        "Het onderwerp": "The subject",
        "De tekst": "The text",
        "Het Engelse onderwerp": "The English subject",
        "De Engelse tekst": "The English text",
        "Een mailing zonder onderwerp wordt niet verstuurd.": "A mailing without a subject is not sent.",
        "Een mailing zonder tekst wordt niet verstuurd.": "A mailing without a text is not sent.",
        "Geef voor het Engels zowel een onderwerp als een tekst, of geen van beide.": (
            "For English, give both a subject and a text, or neither."
        ),
        "Uw e-mailvoorkeuren zijn opgeslagen.": "Your e-mail preferences have been saved.",
        "Niet opgeslagen: kies of u aanbiedingen per e-mail wilt ontvangen.": (
            "Not saved: choose whether you want to receive offers by e-mail."
        ),
        "bezwaar tegen reclame per e-mail": "objection to advertising by e-mail",
        "gewijzigd op": "changed at",
        "voorkeur voor reclame per e-mail": "preference for advertising by e-mail",
        "voorkeuren voor reclame per e-mail": "preferences for advertising by e-mail",
        "concept": "draft",
        "wordt verstuurd": "being sent",
        "verstuurd": "sent",
        "onderwerp (Nederlands)": "subject (Dutch)",
        "tekst (Nederlands)": "text (Dutch)",
        "onderwerp (Engels)": "subject (English)",
        "tekst (Engels)": "text (English)",
        "verzending gestart op": "sending started at",
        "verzending gestart door": "sending started by",
        "laatste batch op": "last batch at",
        "afgerond op": "finished at",
        "ontvangers": "recipients",
        "overgeslagen": "skipped",
        "mailing": "mailing",
        "mailings": "mailings",
        "wacht": "waiting",
        "overgeslagen (bezwaar of account niet meer actief)": "skipped (objection, or account no longer active)",
        "onbekend (verzending onderbroken)": "unknown (sending interrupted)",
        "klaargezet op": "queued at",
        "opgepakt op": "claimed at",
        "verstuurd op": "sent at",
        "verstuurd naar": "sent to",
        "ontvanger van een mailing": "recipient of a mailing",
        "ontvangers van mailings": "recipients of mailings",
        "een jaar na het versturen van elke mailing": "one year after each mailing was sent",
        "Keuze voor reclame per e-mail": "Choice about advertising by e-mail",
        "U aanbiedingen per e-mail sturen, of juist niet als u daartegen bezwaar heeft gemaakt.": (
            "Sending you offers by e-mail, or not if you have objected to it."
        ),
        "bezwaar tegen reclame per e-mail (ja/nee), het tijdstip van uw keuze, de taal van de e-mails": (
            "objection to advertising by e-mail (yes/no), the time of your choice, the language of the e-mails"
        ),
        "Verstuurde aanbiedingen per e-mail": "Offers sent by e-mail",
        "Niemand een mailing twee keer sturen, en kunnen aantonen dat wij uw bezwaar tegen reclame hebben "
        "gerespecteerd.": (
            "Never sending anyone a mailing twice, and being able to show that we respected your objection to "
            "advertising."
        ),
        "het klaarzetten van de mailing": "the queueing of the mailing",
        "welke mailing, op welk e-mailadres, in welke taal en wanneer verstuurd": (
            "which mailing, to which e-mail address, in which language and when it was sent"
        ),
        "Versturen…": "Send…",
        "Deze mailing gaat nu naar %(counter)s klant: actieve klanten met een bevestigd e-mailadres die geen "
        "bezwaar hebben gemaakt, elk in zijn eigen taal.": (
            "This mailing now goes to %(counter)s customer: active customers with a confirmed e-mail address who "
            "have not objected, each in their own language.",
            "This mailing now goes to %(counter)s customers: active customers with a confirmed e-mail address who "
            "have not objected, each in their own language.",
        ),
        "Versturen kan niet ongedaan worden gemaakt. Elke e-mail krijgt een afmeldlink.": (
            "Sending cannot be undone. Every e-mail gets an unsubscribe link."
        ),
        "Onderwerp (Nederlands)": "Subject (Dutch)",
        "Onderwerp (Engels)": "Subject (English)",
        "Ja, nu versturen": "Yes, send now",
        "Annuleren": "Cancel",
        "E-mailvoorkeuren": "E-mail preferences",
        "U ontvangt geen aanbiedingen per e-mail.": "You do not receive offers by e-mail.",
        "U ontvangt aanbiedingen en nieuws over onze producten per e-mail.": (
            "You receive offers and news about our products by e-mail."
        ),
        "U heeft geen bezwaar gemaakt, maar u ontvangt nu geen aanbiedingen: wij sturen ze alleen naar een "
        "bevestigd e-mailadres van een klantaccount.": (
            "You have not objected, but you receive no offers now: we only send them to a confirmed e-mail address "
            "of a customer account."
        ),
        "U kunt dit altijd wijzigen, hier of met de afmeldlink onder elke e-mail. Berichten over uw account, "
        "facturen en betalingen ontvangt u altijd: dat is geen reclame.": (
            "You can change this at any time, here or with the unsubscribe link at the bottom of every e-mail. "
            "Messages about your account, invoices and payments always reach you: they are not advertising."
        ),
        "Afmelden voor aanbiedingen": "Unsubscribe from offers",
        "Afmelden voor aanbiedingen per e-mail": "Unsubscribe from offers by e-mail",
        "Wilt u geen aanbiedingen en nieuws over onze producten meer per e-mail ontvangen? Klik op de knop: het "
        "afmelden gaat direct in.": (
            "Do you no longer want to receive offers and news about our products by e-mail? Click the button: "
            "unsubscribing takes effect at once."
        ),
        "Berichten over uw account, facturen en betalingen blijft u ontvangen: dat is geen reclame.": (
            "You will keep receiving messages about your account, invoices and payments: they are not advertising."
        ),
        "Afmelden": "Unsubscribe",
        "Afmeldlink werkt niet": "Unsubscribe link does not work",
        "Deze afmeldlink werkt niet": "This unsubscribe link does not work",
        "De link is niet volledig of niet door ons gemaakt. Er is niets gewijzigd.": (
            "The link is incomplete or was not made by us. Nothing has been changed."
        ),
        "Kopieer de link uit de e-mail in zijn geheel, of gebruik de knop Afmelden onder de e-mail opnieuw.": (
            "Copy the whole link from the e-mail, or use the Unsubscribe button at the bottom of the e-mail again."
        ),
        'U kunt ook inloggen en uw keuze maken op de pagina <a href="%(preferences_url)s">E-mailvoorkeuren</a>.': (
            'You can also log in and make your choice on the <a href="%(preferences_url)s">E-mail preferences</a> page.'
        ),
        "Afgemeld": "Unsubscribed",
        "U bent afgemeld": "You have been unsubscribed",
        "U ontvangt geen aanbiedingen meer per e-mail op dit adres. Dat gaat direct in.": (
            "You will no longer receive offers by e-mail at this address. This takes effect at once."
        ),
        'Toch weer aanbiedingen ontvangen? Log in en kies het op de pagina <a href="%(preferences_url)s">'
        "E-mailvoorkeuren</a>.": (
            'Want offers after all? Log in and choose so on the <a href="%(preferences_url)s">E-mail preferences</a> '
            "page."
        ),
        "U ontvangt deze e-mail omdat u klant bent van %(PRODUCT_NAME)s.": (
            "You receive this e-mail because you are a customer of %(PRODUCT_NAME)s."
        ),
        "Dit bericht gaat over uw account of onze dienst en is geen reclame: u ontvangt het ook als u zich heeft "
        "afgemeld voor aanbiedingen.": (
            "This message is about your account or our service and is not advertising: you receive it even if you "
            "have unsubscribed from offers."
        ),
        "U ontvangt deze e-mail omdat u klant bent van %(PRODUCT_NAME)s. Geen aanbiedingen meer per e-mail "
        "ontvangen? Meld u af met één klik:": (
            "You receive this e-mail because you are a customer of %(PRODUCT_NAME)s. No more offers by e-mail? "
            "Unsubscribe with one click:"
        ),
        "Geen aanbiedingen per e-mail ontvangen? Afmelden:": "No offers by e-mail? Unsubscribe:",
        "Uw e-mailvoorkeuren:": "Your e-mail preferences:",
        "Aanbiedingen per e-mail ontvangen of niet.": "Whether to receive offers by e-mail.",
    }
)

# --- launch ---
EN.update(
    {
        "Gegevensexport mislukt": "Data export failed",
        "Uw download kon niet worden gemaakt": "Your download could not be made",
        "Beste %(username)s,\n\nHet maken van de download met uw gegevens bij %(PRODUCT_NAME)s is door een storing aan onze kant mislukt. Er is niets met uw gegevens gebeurd.\n\nU kunt de download opnieuw aanvragen:\n\n%(url)s\n\nLukt het dan weer niet? Neem dan contact met ons op.": "Dear %(username)s,\n\nMaking the download with your data at %(PRODUCT_NAME)s failed because of a fault on our side. Nothing happened to your data.\n\nYou can ask for the download again:\n\n%(url)s\n\nIf that fails too, please contact us.",
        "Het maken van de download met uw gegevens bij %(PRODUCT_NAME)s is door een storing aan onze kant mislukt. Er is niets met uw gegevens gebeurd.": "Making the download with your data at %(PRODUCT_NAME)s failed because of a fault on our side. Nothing happened to your data.",
        "Vraag de download opnieuw aan": "Ask for the download again",
        "Lukt het dan weer niet? Neem dan contact met ons op.": "If that fails too, please contact us.",
    }
)

# --- selfservice ---
EN.update(
    {
        "e-mailadres voor facturen": "e-mail address for invoices",
        "Niet verplicht. Facturen en andere mail over betalingen gaan dan naar dit adres.": "Optional. Invoices and other mail about payments then go to this address.",
        "bevestigd e-mailadres voor facturen": "confirmed e-mail address for invoices",
        "naam, adres, telefoonnummer, bedrijfsnaam, KvK-nummer, btw-nummer, factuuradres, e-mailadres voor facturen": "name, address, phone number, company name, Chamber of Commerce number, VAT id, billing address, e-mail address for invoices",
        "Dit is al het e-mailadres van uw account: laat dit veld leeg om facturen daarheen te sturen.": "This is already your account's e-mail address: leave this field empty to have invoices sent there.",
        "We hebben de bevestigingslink opnieuw gemaild.": "We have sent the confirmation link again.",
        "Er is geen e-mailadres voor facturen dat nog bevestigd moet worden, of u vroeg net al een link.": "There is no e-mail address for invoices waiting for confirmation, or you asked for a link a moment ago.",
        "Factuur of creditnota gemaild": "Invoice or credit note mailed",
        "E-mailadres voor facturen bevestigd": "E-mail address for invoices confirmed",
        "gemaild op": "mailed at",
        "Uw abonnement is al opgezegd. Het loopt nog tot en met %(date)s.": "Your subscription has already been cancelled. It runs until and including %(date)s.",
        "Uw abonnement is opgezegd. Het loopt nog tot en met %(date)s; daarna wordt er niets meer afgeschreven. U ontvangt een bevestiging per e-mail.": "Your subscription has been cancelled. It runs until and including %(date)s; after that nothing more will be charged. You will receive a confirmation by e-mail.",
        "Niet opgezegd: bevestig de opzegging met de knop hieronder.": "Not cancelled: confirm the cancellation with the button below.",
        "Bekijk de prijzen": "See the prices",
        "E-mailadres voor facturen bevestigen": "Confirm the e-mail address for invoices",
        "Na uw bevestiging ontvangt %(email)s de facturen, creditnota's, betalingsherinneringen en berichten over opzeggen van dit %(PRODUCT_NAME)s-abonnement.": "Once you confirm, %(email)s receives the invoices, credit notes, payment reminders and messages about cancelling of this %(PRODUCT_NAME)s subscription.",
        "Bevestigen": "Confirm",
        "Verwachtte u dit niet? Dan hoeft u niets te doen: zonder bevestiging sturen wij niets naar dit adres.": "Not expecting this? Then you need not do anything: without confirmation we send nothing to this address.",
        "Vanaf nu sturen wij facturen en andere mail over betalingen naar %(email)s.": "From now on we send invoices and other mail about payments to %(email)s.",
        "Link niet geldig": "Link not valid",
        "Deze link is niet (meer) geldig": "This link is not valid (any more)",
        "De link is verlopen, onvolledig, of het e-mailadres voor facturen is intussen gewijzigd. De klant kan in het portaal bij Profiel een nieuwe link laten sturen.": "The link has expired, is incomplete, or the e-mail address for invoices has changed since. The customer can have a new link sent from Profile in the portal.",
        "Goedendag,": "Hello,",
        "%(account_name)s wil de facturen en andere mail over betalingen voor %(PRODUCT_NAME)s naar dit e-mailadres laten sturen. Bevestig dat met deze link (geldig gedurende %(days)s dagen):": "%(account_name)s would like the invoices and other mail about payments for %(PRODUCT_NAME)s to be sent to this e-mail address. Please confirm with this link (valid for %(days)s days):",
        "E-mailadres bevestigen": "Confirm e-mail address",
        "Bevestig uw e-mailadres voor facturen": "Confirm your e-mail address for invoices",
        "Facturen en andere mail over betalingen gaan naar %(email)s (bevestigd). Mail over inloggen en beveiliging blijft naar het adres van uw account gaan.": "Invoices and other mail about payments go to %(email)s (confirmed). Mail about signing in and security keeps going to your account's address.",
        "%(email)s is nog niet bevestigd: we hebben er een link heen gemaild. Tot die link gebruikt is, gaat mail over betalingen naar het adres van uw account.": "%(email)s has not been confirmed yet: we mailed a link to it. Until that link is used, mail about payments goes to your account's address.",
        "Bevestigingslink opnieuw sturen": "Send the confirmation link again",
        "Opzeggen": "Cancel",
        "Wat er gebeurt als u %(plan)s opzegt": "What happens when you cancel %(plan)s",
        "Uw abonnement eindigt aan het einde van de betaalde termijn, op <strong>%(date)s</strong>. Tot en met die dag werkt uw koppeling gewoon.": "Your subscription ends at the end of the paid period, on <strong>%(date)s</strong>. Until and including that day your connection works as usual.",
        "Er wordt daarna niets meer afgeschreven.": "Nothing more will be charged after that.",
        "Uw facturen blijven in het portaal beschikbaar; wij bewaren ze zeven jaar, zoals de wet vraagt.": "Your invoices stay available in the portal; we keep them for seven years, as the law requires.",
        "Bedenkt u zich? Tot en met %(date)s kunt u de opzegging intrekken.": "Changed your mind? Until and including %(date)s you can withdraw the cancellation.",
        "U ontvangt een bevestiging per e-mail.": "You will receive a confirmation by e-mail.",
        "Ja, abonnement opzeggen": "Yes, cancel subscription",
        "Nee, terug": "No, go back",
        "U heeft uw abonnement op %(PRODUCT_NAME)s (%(plan)s) opgezegd. Dit betekent:": "You have cancelled your %(PRODUCT_NAME)s subscription (%(plan)s). This means:",
        "Uw abonnement loopt door tot het einde van de betaalde termijn: u kunt de koppeling gebruiken tot en met %(last_day)s. Daarna stopt het.": "Your subscription continues until the end of the paid period: you can use the connection until and including %(last_day)s. Then it stops.",
        "Er wordt niets meer afgeschreven.": "Nothing more will be charged.",
        "Toch doorgaan? Tot en met %(last_day)s kunt u de opzegging intrekken:": "Want to continue after all? Until and including %(last_day)s you can withdraw the cancellation:",
        "Uw opzegging: %(PRODUCT_NAME)s loopt tot en met %(last_day)s": "Your cancellation: %(PRODUCT_NAME)s runs until and including %(last_day)s",
        "U heeft de opzegging van uw abonnement op %(PRODUCT_NAME)s (%(plan)s) ingetrokken. Uw abonnement loopt gewoon door.": "You have withdrawn the cancellation of your %(PRODUCT_NAME)s subscription (%(plan)s). Your subscription simply continues.",
        "De volgende automatische betaling is op %(next_charge)s: € %(amount)s (btw verlegd).": "The next automatic payment is on %(next_charge)s: € %(amount)s (VAT reverse charged).",
        "De volgende automatische betaling is op %(next_charge)s: € %(amount)s incl. btw.": "The next automatic payment is on %(next_charge)s: € %(amount)s incl. VAT.",
        "Uw abonnement:": "Your subscription:",
        "Uw opzegging is ingetrokken: %(PRODUCT_NAME)s loopt door": "Your cancellation has been withdrawn: %(PRODUCT_NAME)s continues",
        "Wij hebben € %(amount)s aan u terugbetaald. In de bijlage vindt u creditnota %(number)s van %(issued_on)s: de correctie van factuur %(invoice_number)s voor %(PRODUCT_NAME)s (%(plan)s).": "We have refunded € %(amount)s to you. Attached is credit note %(number)s of %(issued_on)s: the correction of invoice %(invoice_number)s for %(PRODUCT_NAME)s (%(plan)s).",
        "U vindt de factuur en de creditnota ook in het portaal (na inloggen):": "You can also find the invoice and the credit note in the portal (after signing in):",
        "Factuur %(number)s": "Invoice %(number)s",
        "Pdf downloaden": "Download PDF",
        "Pdf downloaden:": "Download PDF:",
        "Creditnota %(number)s bij factuur %(invoice_number)s": "Credit note %(number)s for invoice %(invoice_number)s",
        "Bedankt voor uw betaling. In de bijlage vindt u factuur %(number)s van %(issued_on)s voor %(PRODUCT_NAME)s (%(plan)s), periode %(period)s: € %(amount)s.": "Thank you for your payment. Attached is invoice %(number)s of %(issued_on)s for %(PRODUCT_NAME)s (%(plan)s), period %(period)s: € %(amount)s.",
        "U vindt de factuur ook in het portaal (na inloggen):": "You can also find the invoice in the portal (after signing in):",
        "Factuur %(number)s voor %(PRODUCT_NAME)s": "Invoice %(number)s for %(PRODUCT_NAME)s",
        "Prijzen": "Pricing",
        "Prijzen van %(PRODUCT_NAME)s": "%(PRODUCT_NAME)s pricing",
        "Eén abonnement per bedrijf. U betaalt de eerste termijn via Mollie; daarna schrijven we elke termijn automatisch af. Opzeggen kan altijd, per het einde van de betaalde termijn.": "One subscription per business. You pay the first period through Mollie; after that we charge each period automatically. You can cancel at any time, as of the end of the paid period.",
        "incl. %(rate)s%% btw": "incl. %(rate)s%% VAT",
        "Inbegrepen": "Included",
        "Zakelijke klanten in een ander EU-land met een geldig btw-nummer van dat land betalen het bedrag excl. btw (btw verlegd).": "Business customers in another EU country with a valid VAT id of that country pay the amount excl. VAT (VAT reverse charged).",
    }
)

# --- koppeling ---
EN.update(
    {
        "Toegang tot Exact Online gegeven": "Access to Exact Online granted",
        "Exact Online-administratie gekoppeld": "Exact Online administration connected",
        "Exact Online: opnieuw verbinden nodig": "Exact Online: reconnection needed",
        "Verbinding met Exact Online verbroken": "Disconnected from Exact Online",
        "Koppelingsinstellingen gewijzigd": "Koppeling settings changed",
        "Koppeling gepauzeerd": "Koppeling paused",
        "Koppeling hervat": "Koppeling resumed",
        "API-sleutel aangemaakt": "API key created",
        "API-sleutel ingetrokken": "API key revoked",
        "Koppeling met Exact Online": "Connection with Exact Online",
        "— niet gekozen —": "— not chosen —",
        "Administratie": "Administration",
        "Kies een administratie.": "Choose an administration.",
        "Kies een administratie uit de lijst van Exact Online.": "Choose an administration from Exact Online's list.",
        "Kies een waarde uit de lijst van Exact Online; vernieuw de lijsten als die ontbreekt.": (
            "Choose a value from Exact Online's list; refresh the lists if it is missing."
        ),
        "Wat de koppeling doet": "What the koppeling does",
        "Kies alleen stromen uit de lijst.": "Choose only flows from the list.",
        "Verkoopdagboek": "Sales journal",
        "Btw-code voor 21%": "VAT code for 21%",
        "Btw-code voor 9%": "VAT code for 9%",
        "Btw-code voor 0% en vrijgesteld": "VAT code for 0% and exempt",
        "Synchroniseren elke (minuten)": "Synchronise every (minutes)",
        "Vul in om de hoeveel minuten de koppeling synchroniseert.": "Enter how many minutes apart the koppeling synchronises.",
        "Vul een heel aantal minuten in.": "Enter a whole number of minutes.",
        "Minimaal %(limit_value)s minuten.": "At least %(limit_value)s minutes.",
        "Maximaal %(limit_value)s minuten (een dag).": "At most %(limit_value)s minutes (one day).",
        "Vanaf datum": "From date",
        "Bestellingen van vóór deze datum worden niet overgenomen.": "Orders from before this date are not transferred.",
        "E-mailadres voor foutmeldingen": "E-mail address for error notices",
        "Vul een geldig e-mailadres in.": "Enter a valid e-mail address.",
        "Kies een datum tussen 2000 en 2100.": "Choose a date between 2000 and 2100.",
        "Kies het verkoopdagboek waarin de bestellingen worden geboekt.": "Choose the sales journal the orders are booked in.",
        "Naam": "Name",
        "Bijvoorbeeld de naam van uw webwinkel.": "For example the name of your web shop.",
        "Geef de sleutel een naam.": "Give the key a name.",
        "Gebruik hooguit %(limit_value)d tekens.": "Use at most %(limit_value)d characters.",
        "Gebruik geen stuurtekens in de naam.": "Do not use control characters in the name.",
        "Bestellingen → verkoopfacturen": "Orders → sales invoices",
        "Klanten → relaties": "Customers → relations",
        "Producten → artikelen": "Products → items",
        "Betaalstatus → webshop": "Payment status → web shop",
        "Administratie kiezen": "Choose administration",
        "Verbonden": "Connected",
        "Opnieuw verbinden nodig": "Reconnection needed",
        "Niet verbonden": "Not connected",
        "Exact Online-verbinding": "Exact Online connection",
        "Exact Online-verbindingen": "Exact Online connections",
        "Koppelingsinstellingen": "Koppeling settings",
        "API-sleutel": "API key",
        "API-sleutels": "API keys",
        "zolang de dienst loopt; verwijderd met uw account": "as long as the service runs; removed with your account",
        "De koppeling tussen uw webwinkel en uw Exact Online-administratie uitvoeren.": (
            "Running the koppeling between your web shop and your Exact Online administration."
        ),
        "gekoppelde administratie en Exact Online-gebruikersnaam, toegangssleutels van Exact Online (versleuteld; verwijderd bij verbreken), koppelingsinstellingen, namen en gebruiksdata van API-sleutels": (
            "connected administration and Exact Online user name, Exact Online access tokens (encrypted; removed on "
            "disconnecting), koppeling settings, names and usage dates of API keys"
        ),
        "Gepauzeerd": "Paused",
        "Betaling achterstallig": "Payment overdue",
        "Zonder lopend abonnement kunt u de koppeling niet wijzigen.": "Without a running subscription you cannot change the koppeling.",
        "Verbind eerst met Exact Online.": "Connect with Exact Online first.",
        "Exact Online heeft de toegang ingetrokken: verbind opnieuw.": "Exact Online withdrew the access: connect again.",
        "Verbind eerst met Exact Online en kies een administratie.": "Connect with Exact Online and choose an administration first.",
        "Kies een waarde uit de lijst van Exact Online.": "Choose a value from Exact Online's list.",
        "U heeft al %(n)d actieve sleutels: trek er eerst een in.": "You already have %(n)d active keys: revoke one first.",
        "Exact Online vraagt ons even te wachten (te veel verzoeken). Probeer het over %(s)d seconden opnieuw.": (
            "Exact Online asks us to wait a moment (too many requests). Try again in %(s)d seconds."
        ),
        "Exact Online is nu niet bereikbaar. Probeer het later opnieuw.": "Exact Online cannot be reached now. Try again later.",
        "Deze koppelpoging is ongeldig. Start opnieuw vanuit de beheeromgeving.": (
            "This connection attempt is not valid. Start again from the koppeling page."
        ),
        "Deze koppelpoging is verlopen. Start opnieuw vanuit de beheeromgeving.": (
            "This connection attempt has expired. Start again from the koppeling page."
        ),
        "U heeft Exact Online geen toegang gegeven; er is niets gekoppeld.": (
            "You did not give Exact Online access; nothing was connected."
        ),
        "Exact Online stuurde geen geldige code. Start opnieuw.": "Exact Online sent no valid code. Start again.",
        "De code van Exact Online is verlopen of al gebruikt. Start opnieuw.": (
            "The code from Exact Online has expired or was already used. Start again."
        ),
        "Uw Exact Online-gebruiker heeft geen administraties.": "Your Exact Online user has no administrations.",
        "De administratie is gekoppeld.": "The administration is connected.",
        "De verbinding met Exact Online is verbroken; de toegangssleutels zijn verwijderd.": (
            "The connection with Exact Online has been broken; the access tokens have been removed."
        ),
        "De instellingen zijn opgeslagen.": "The settings have been saved.",
        "De lijsten uit Exact Online zijn vernieuwd.": "The lists from Exact Online have been refreshed.",
        "De koppeling is gepauzeerd.": "The koppeling is paused.",
        "De koppeling is hervat.": "The koppeling has resumed.",
        "De sleutel %(name)s is ingetrokken.": "The key %(name)s has been revoked.",
        "Koppeling": "Koppeling",
        "uw abonnement is beëindigd omdat de betaling uitbleef": "your subscription ended because payment was not received",
        "u heeft geen lopend abonnement": "you have no running subscription",
        "door u gepauzeerd": "paused by you",
        "Verbinden met Exact Online": "Connect with Exact Online",
        "Exact Online accepteert onze toegang niet meer. Verbind opnieuw; uw instellingen blijven bewaard.": (
            "Exact Online no longer accepts our access. Connect again; your settings are kept."
        ),
        "Opnieuw verbinden": "Connect again",
        "Hervatten": "Resume",
        "Abonnement afsluiten": "Take out a subscription",
        "API-sleutels voor uw webwinkel": "API keys for your web shop",
        "Terug naar de koppeling": "Back to the koppeling",
        "Uw nieuwe sleutel": "Your new key",
        "Kopieer de sleutel nu: wij tonen hem maar één keer en bewaren hem niet.": (
            "Copy the key now: we show it only once and do not keep it."
        ),
        "Gekopieerd": "Copied",
        "Kopiëren": "Copy",
        "Sleutel aanmaken": "Create key",
        "Hooguit %(n)s actieve sleutels.": "At most %(n)s active keys.",
        "Zonder lopend abonnement kunt u geen sleutels aanmaken.": "Without a running subscription you cannot create keys.",
        "Uw sleutels": "Your keys",
        "Begint met": "Starts with",
        "Aangemaakt": "Created",
        "Laatst gebruikt": "Last used",
        "Status": "Status",
        "nog niet": "not yet",
        "Ingetrokken op %(at)s": "Revoked on %(at)s",
        'Intrekken<span class="visually-hidden">: %(name)s</span>': 'Revoke<span class="visually-hidden">: %(name)s</span>',
        "Koppelen niet gelukt": "Connecting failed",
        "Kies de Exact Online-administratie waarmee de koppeling werkt.": (
            "Choose the Exact Online administration the koppeling works with."
        ),
        "Deze administratie koppelen": "Connect this administration",
        "Annuleren": "Cancel",
        "Exact Online accepteert de toegang van de koppeling tot de administratie %(division)s niet meer. Tot u opnieuw verbindt, synchroniseert de koppeling niet; uw instellingen blijven bewaard.": (
            "Exact Online no longer accepts the koppeling's access to the administration %(division)s. Until you "
            "connect again, the koppeling does not synchronise; your settings are kept."
        ),
        "Verbind opnieuw via:": "Connect again at:",
        "Exact koppeling: opnieuw verbinden met Exact Online nodig": "Exact koppeling: reconnect with Exact Online",
        "Exact Online-gebruiker": "Exact Online user",
        "Verbonden sinds": "Connected since",
        "Andere administratie kiezen": "Choose another administration",
        "Pauzeren": "Pause",
        "Verbinding verbreken": "Disconnect",
        "Zonder lopend abonnement kunt u de instellingen alleen bekijken.": (
            "Without a running subscription you can only view the settings."
        ),
        "Lijsten uit Exact Online vernieuwen": "Refresh lists from Exact Online",
        "Gelezen op %(at)s": "Read on %(at)s",
        "Instellingen opslaan": "Save settings",
        "%(n)s actieve sleutel.": ("%(n)s active key.", "%(n)s active keys."),
        "Sleutels beheren": "Manage keys",
        "Meldingen": "Notices",
        "Een automatische betaling is mislukt: € %(amount)s staat open.": (
            "An automatic payment failed: € %(amount)s is outstanding."
        ),
        "Exact Online accepteert onze toegang niet meer: verbind opnieuw.": (
            "Exact Online no longer accepts our access: connect again."
        ),
        "Naar de koppeling": "To the koppeling",
        "Kies nog de Exact Online-administratie voor de koppeling.": (
            "Still choose the Exact Online administration for the koppeling."
        ),
        "U heeft geen lopend abonnement: de koppeling werkt niet.": (
            "You have no running subscription: the koppeling does not run."
        ),
        "Volgende betaling op %(date)s: € %(amount)s.": "Next payment on %(date)s: € %(amount)s.",
        "Opgezegd; loopt tot en met %(date)s.": "Cancelled; runs until and including %(date)s.",
        "Betaling achterstallig: € %(amount)s open.": "Payment overdue: € %(amount)s outstanding.",
        "Wacht op de eerste betaling.": "Waiting for the first payment.",
        "Beëindigd omdat de betaling uitbleef.": "Ended because payment was not received.",
        "Geen abonnement.": "No subscription.",
        "Koppeling beheren": "Manage koppeling",
        "Recente activiteit": "Recent activity",
        "Nog geen activiteit.": "No activity yet.",
        "Uw account": "Your account",
    }
)

# --- texts ---
EN.update(
    {
        "%(amount)s terugbetaling aangevraagd bij Mollie; de creditnota volgt.": "%(amount)s refund requested from Mollie; the credit note follows.",
        "Waarom heft u uw account op?": "Why are you closing your account?",
        "laatst gebruikt op": "last used at",
        "laatst actief op": "last active at",
        "stopgezet op": "stopped at",
        "gegevens": "data",
        "kenmerk bij Mollie": "Mollie reference",
        "jaar": "year",
        "laatste nummer": "last number",
        "inlogmethode voor tweestapsverificatie": "two-factor authentication method",
        "inlogmethoden voor tweestapsverificatie": "two-factor authentication methods",
        "gebruikerssessie": "user session",
        "gebruikerssessies": "user sessions",
        "begonnen op": "started at",
        "versie": "version",
        "Status": "Status",
        "Reden": "Reason",
        "Inlognaam": "Login",
        "Gebruikersnaam": "Username",
        "Bedrag incl. btw": "Amount incl. VAT",
        "Btw-tarief": "VAT rate",
        "Kenmerk bij Mollie": "Mollie reference",
        "Automatische incasso bij Mollie": "Direct debit at Mollie",
        "Machtiging": "Mandate",
        "Soort betaling": "Kind of payment",
        "Abonnementsvorm": "Plan",
        "Pdf": "PDF",
        "Betaald met": "Paid with",
        "Voldoet factuur": "Settles invoice",
        "Volgende betaling op": "Next payment on",
        "ja": "yes",
        "nee": "no",
        "gewijzigd": "changed",
        "Opgezegd per einde periode": "Cancelled at the end of the period",
        "Beëindigd op": "Ended on",
        "Opgeheven op": "Closed on",
        "Handeling van medewerker": "Staff action",
        "Onderdeel": "Item",
        "Verwijderd": "Removed",
        "Terugbetaling van late afschrijving": "Refund of a late charge",
        "Terugbetaling": "Refund",
        "Geaccepteerd": "Accepted",
        "Geweigerd": "Refused",
        "Toestemmings-id": "Consent id",
        "Bedrijfsnaam": "Company name",
        "Btw-identificatienummer": "VAT identification number",
        "Telefoonnummer": "Phone number",
        "Straat en huisnummer": "Street and number",
        "Postcode": "Postal code",
        "Plaats": "City",
        "Land": "Country",
        "Versie privacyverklaring": "Privacy statement version",
        "Account opgeheven op": "Account closed on",
        "Status abonnement": "Subscription status",
        "Status betaling": "Payment status",
        "Systeem (%(name)s)": "System (%(name)s)",
        "Geachte heer, mevrouw,": "Dear Sir or Madam,",
        "betaald tot en met": "paid through",
        "volgende betaling op": "next payment on",
        "%(payment)s: %(amount)s terugbetaald.": "%(payment)s: %(amount)s refunded.",
        "Thank you for using %(site_name)s!\n%(site_domain)s": "Thank you for using %(site_name)s!\n%(site_domain)s",
        "Geen activiteit gevonden die past bij dit filter. Kies een andere periode of soort, of bekijk alle activiteit.": "No activity matches this filter. Choose another period or kind, or see all activity.",
        "De download met al uw gegevens bij %(PRODUCT_NAME)s staat klaar:\n\n%(url)s\n\nU moet ingelogd zijn om hem te downloaden. De link werkt tot %(expires_at)s; daarna verwijderen wij het bestand. U kunt altijd een nieuwe download aanvragen.\n\nHeeft u dit niet zelf aangevraagd? Neem dan direct contact met ons op.": "The download with all your data at %(PRODUCT_NAME)s is ready:\n\n%(url)s\n\nYou need to be logged in to download it. The link works until %(expires_at)s; after that we delete the file. You can always request a new download.\n\nDid you not request this yourself? Then contact us straight away.",
    }
)

# --- coordinator: koppeling field labels (shown on the Activiteit page) ---
EN.update(
    {
        "wat de koppeling doet": "what the koppeling does",
        "verkoopdagboek": "sales journal",
        "btw-code voor 21%": "VAT code for 21%",
        "btw-code voor 9%": "VAT code for 9%",
        "btw-code voor 0% en vrijgesteld": "VAT code for 0% and exempt",
        "synchroniseren elke (minuten)": "synchronise every (minutes)",
        "vanaf datum": "from date",
        "e-mailadres voor foutmeldingen": "e-mail address for error notices",
        "gepauzeerd": "paused",
        "gepauzeerd op": "paused at",
    }
)

# --- greetings ---
EN.update(
    {
        "Vul eerst uw naam en adres in bij Profiel: die komen op uw factuur.": "Please first enter your name and address under Profile: they go on your invoice.",
        "Een automatische betaling is mislukt: %(amount)s staat open.": "An automatic payment failed: %(amount)s is outstanding.",
        "Volgende betaling op %(date)s: %(amount)s.": "Next payment on %(date)s: %(amount)s.",
        "Betaling achterstallig: %(amount)s open.": "Payment overdue: %(amount)s outstanding.",
        "U krijgt %(refund)s (incl. btw) terug": "You get %(refund)s (incl. VAT) back",
        "Het openstaande bedrag van %(arrears)s wordt niet meer automatisch afgeschreven.": "The outstanding amount of %(arrears)s is no longer collected automatically.",
        "De volgende automatische betaling is op %(next_charge)s: %(amount)s (btw verlegd).": "The next automatic payment is on %(next_charge)s: %(amount)s (VAT reverse charged).",
        "De volgende automatische betaling is op %(next_charge)s: %(amount)s incl. btw.": "The next automatic payment is on %(next_charge)s: %(amount)s incl. VAT.",
        "Wij hebben %(amount)s aan u terugbetaald. In de bijlage vindt u creditnota %(number)s van %(issued_on)s: de correctie van factuur %(invoice_number)s voor %(PRODUCT_NAME)s (%(plan)s).": "We have refunded %(amount)s to you. Attached is credit note %(number)s of %(issued_on)s: the correction of invoice %(invoice_number)s for %(PRODUCT_NAME)s (%(plan)s).",
        "Bedankt voor uw betaling. In de bijlage vindt u factuur %(number)s van %(issued_on)s voor %(PRODUCT_NAME)s (%(plan)s), periode %(period)s: %(amount)s.": "Thank you for your payment. Attached is invoice %(number)s of %(issued_on)s for %(PRODUCT_NAME)s (%(plan)s), period %(period)s: %(amount)s.",
        "Uw betaling voor %(PRODUCT_NAME)s (%(plan)s) van %(amount)s is op %(failed_on)s teruggeboekt.": "Your payment of %(amount)s for %(PRODUCT_NAME)s (%(plan)s) was charged back on %(failed_on)s.",
        "De automatische betaling van %(amount)s voor %(PRODUCT_NAME)s (%(plan)s) is op %(failed_on)s mislukt.": "The automatic payment of %(amount)s for %(PRODUCT_NAME)s (%(plan)s) failed on %(failed_on)s.",
        "Op %(failed_on)s is de betaling van %(amount)s voor %(PRODUCT_NAME)s (%(plan)s) niet gelukt, en het bedrag staat nog open.": "On %(failed_on)s the payment of %(amount)s for %(PRODUCT_NAME)s (%(plan)s) did not succeed, and the amount is still due.",
        "De betaling van %(amount)s voor %(PRODUCT_NAME)s (%(plan)s) die op %(failed_on)s niet lukte, hebben wij niet vóór %(pay_before)s ontvangen. Daarom hebben wij uw abonnement beëindigd; er wordt niets meer automatisch afgeschreven.": "We did not receive the payment of %(amount)s for %(PRODUCT_NAME)s (%(plan)s), which failed on %(failed_on)s, before %(pay_before)s. We have therefore ended your subscription; nothing more will be charged automatically.",
        "Openstaand bedrag: %(amount)s (incl. btw).": "Amount due: %(amount)s (incl. VAT).",
        "Het maken van de download met uw gegevens bij %(PRODUCT_NAME)s is door een storing aan onze kant mislukt. Er is niets met uw gegevens gebeurd.\n\nU kunt de download opnieuw aanvragen:\n\n%(url)s\n\nLukt het dan weer niet? Neem dan contact met ons op.": "Making the download with your data at %(PRODUCT_NAME)s failed because of a fault on our side. Nothing happened to your data.\n\nYou can ask for the download again:\n\n%(url)s\n\nIf that fails too, please contact us.",
    }
)

# --- billingsec ---
EN.update(
    {
        "Betalen is op dit moment niet mogelijk door een storing aan onze kant. Er is niets "
        "afgeschreven en er staat niets voor u open. Wij zijn op de hoogte; probeer het later opnieuw.": (
            "Paying is not possible at the moment because of a fault on our side. Nothing has been "
            "charged and nothing is left open for you. We have been notified; please try again later."
        ),
        "Klant verwijderd bij Mollie (na het wissen van het account)": "Customer deleted at Mollie (after the account was erased)",
        "te verwijderen Mollie-klant": "Mollie customer to be deleted",
        "te verwijderen Mollie-klanten": "Mollie customers to be deleted",
        "laatste fout": "last error",
    }
)

# --- plans ---
EN.update(
    {
        "Wijziging abonnementsvorm aangevraagd": "Plan change requested",
        "Wijziging abonnementsvorm mislukt": "Plan change failed",
        "Nieuw bedrag doorgegeven aan Mollie": "New amount passed on to Mollie",
        "Wijziging betaalmethode aangevraagd": "Payment method change requested",
        "Wijziging betaalmethode mislukt": "Payment method change failed",
        "Oude machtiging ingetrokken bij Mollie": "Old mandate revoked at Mollie",
        "verrekening wijziging abonnementsvorm": "pro-rata charge for a plan change",
        "controle nieuwe betaalmethode": "new payment method check",
        "doel": "purpose",
        "direct (met verrekening)": "at once (pro rata)",
        "per volgende termijn": "from the next period",
        "wacht op betaling verrekening": "waiting for the pro-rata payment",
        "ingepland": "scheduled",
        "doorgevoerd": "applied",
        "ingetrokken": "withdrawn",
        "van": "from",
        "naar": "to",
        "ingangsdatum": "effective date",
        "verrekend tot": "charged up to",
        "nieuw bedrag excl. btw": "new amount excl. VAT",
        "nieuw bedrag incl. btw": "new amount incl. VAT",
        "doorgevoerd op": "applied on",
        "wijziging abonnementsvorm": "plan change",
        "wijzigingen abonnementsvorm": "plan changes",
        "wijziging betaalmethode": "payment method change",
        "wijzigingen betaalmethode": "payment method changes",
        "Uw betaalmethode is gewijzigd": "Your payment method has been changed",
        "Vanaf nu schrijven wij uw abonnement af met de nieuwe betaalmethode. De oude machtiging trekken wij in "
        "en de controlebetaling van € 0,01 betalen wij terug.": "From now on we charge your subscription with the "
        "new payment method. We revoke the old mandate and refund the € 0.01 check payment.",
        "Uw betaalmethode is niet gewijzigd": "Your payment method has not been changed",
        "De controlebetaling voor uw nieuwe betaalmethode is niet gelukt. Er is niets gewijzigd: wij schrijven af "
        "zoals voorheen. U kunt het opnieuw proberen.": "The check payment for your new payment method did not "
        "succeed. Nothing has changed: we charge as before. You can try again.",
        "Alleen een actief abonnement kan van abonnementsvorm wisselen.": "Only an active subscription can "
        "change plans.",
        "Uw volgende termijn wordt nu afgeschreven. Wijzig uw abonnementsvorm nadat die betaling binnen is.": (
            "Your next period is being charged now. Change your plan once that payment has come in."
        ),
        "Uw abonnement is opgezegd. Trek eerst de opzegging in om van abonnementsvorm te wisselen.": (
            "Your subscription has been cancelled. Withdraw the cancellation first to change plans."
        ),
        "U heeft deze abonnementsvorm al.": "You already have this plan.",
        "Wisselen tussen een maand- en een jaarabonnement kan niet zelf; neem contact met ons op.": (
            "Switching between a monthly and a yearly plan cannot be done here; please contact us."
        ),
        "Er loopt al een wijziging van uw abonnementsvorm.": "A change of your plan is already under way.",
        "Uw abonnementsvorm is niet gewijzigd": "Your plan has not been changed",
        "De verrekening voor de overstap van %(old)s naar %(new)s kon niet worden afgeschreven. Uw abonnement "
        "blijft %(old)s; er is niets gewijzigd.": "The pro-rata charge for the change from %(old)s to %(new)s "
        "could not be collected. Your subscription stays %(old)s; nothing has changed.",
        "Uw wijziging van abonnementsvorm is ingepland": "Your plan change has been scheduled",
        "Uw abonnement gaat op %(date)s over van %(old)s naar %(new)s. Vanaf die termijn wordt € %(amount)s per "
        "termijn afgeschreven.": "Your subscription moves from %(old)s to %(new)s on %(date)s. From that period "
        "on € %(amount)s is charged per period.",
        "Uw abonnementsvorm is gewijzigd": "Your plan has been changed",
        "Uw abonnement is gewijzigd van %(old)s naar %(new)s. Vanaf de volgende termijn wordt € %(amount)s per "
        "termijn afgeschreven.": "Your subscription has been changed from %(old)s to %(new)s. From the next "
        "period on € %(amount)s is charged per period.",
        "%(plan)s: verrekening overstap van %(old)s": "%(plan)s: pro-rata charge for the change from %(old)s",
        "De verrekening kon niet worden afgeschreven. Uw abonnementsvorm is niet gewijzigd.": (
            "The pro-rata charge could not be collected. Your plan has not been changed."
        ),
        "Alleen bij een actief abonnement kunt u de betaalmethode wijzigen.": (
            "You can only change the payment method of an active subscription."
        ),
        "Er staat al een betaling open voor dit abonnement.": "A payment for this subscription is already open.",
        "%(plan)s: controle nieuwe betaalmethode (wordt terugbetaald)": "%(plan)s: new payment method check (refunded)",
        "%(product)s: controlebetaling terug": "%(product)s: check payment refunded",
        "Kies een abonnementsvorm uit de lijst.": "Choose a plan from the list.",
        "Mollie, onze betaaldienst, is op dit moment niet bereikbaar. Er is niets afgeschreven; wij proberen de "
        "verrekening later automatisch opnieuw.": "Mollie, our payment provider, cannot be reached at the "
        "moment. Nothing has been charged; we will try the pro-rata charge again automatically later.",
        "Uw abonnement is gewijzigd naar %(plan)s.": "Your subscription has been changed to %(plan)s.",
        "Ingepland: per %(date)s gaat uw abonnement over naar %(plan)s.": "Scheduled: from %(date)s your "
        "subscription moves to %(plan)s.",
        "De overstap naar %(plan)s wacht op de afschrijving van de verrekening.": "The change to %(plan)s is "
        "waiting for the pro-rata charge.",
        "Uw nieuwe betaalmethode is vastgelegd. De € 0,01 krijgt u terug.": "Your new payment method has been "
        "recorded. The € 0.01 will be refunded.",
        "Er is niets gewijzigd: wij schrijven af zoals voorheen.": "Nothing has changed: we charge as before.",
        "Abonnementsvorm wijzigen": "Change plan",
        "Uw huidige abonnementsvorm: %(plan)s (€ %(amount)s per termijn).": "Your current plan: %(plan)s "
        "(€ %(amount)s per period).",
        "Een duurdere abonnementsvorm gaat direct in: u betaalt nu het verschil voor de resterende dagen van deze "
        "termijn, automatisch met uw huidige betaalmethode. Een goedkopere abonnementsvorm gaat in op %(date)s, "
        "het begin van de volgende termijn.": "A more expensive plan starts at once: you now pay the difference "
        "for the remaining days of this period, automatically with your current payment method. A cheaper plan "
        "starts on %(date)s, the start of the next period.",
        "Direct; nu af te schrijven: € %(amount)s.": "At once; charged now: € %(amount)s.",
        "Per %(date)s.": "From %(date)s.",
        "Overstappen naar %(plan)s": "Change to %(plan)s",
        "Er is geen andere abonnementsvorm met dezelfde termijn.": "There is no other plan with the same term.",
        "Terug naar uw abonnement": "Back to your subscription",
        "U betaalt € 0,01 met de nieuwe betaalmethode; dat bedrag krijgt u terug. Daarna schrijven wij af met de "
        "nieuwe betaalmethode.": "You pay € 0.01 with the new payment method; you get that amount back. After "
        "that we charge the new payment method.",
        "Betaalmethode wijzigen": "Change payment method",
    }
)

# --- adminholes ---
EN.update(
    {
        "e-mailadres": "email address",
        "Dit e-mailadres is al in gebruik.": "This email address is already in use.",
        "Hier maakt u alleen accounts voor medewerkers aan; klanten registreren zichzelf.": (
            "Only staff accounts are added here; customers sign up themselves."
        ),
    }
)
