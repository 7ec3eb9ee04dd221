"""Dutch texts that replace those of the libraries we use (compiled into locale/nl by
scripts/fill_translations_nl.py; our LOCALE_PATHS catalogue wins over a library's own).

Two reasons to be here:
- the library's Dutch addresses the customer as "je"; the portal says "u" throughout
  (django-allauth's account, MFA and session pages, messages and mails);
- the library has no Dutch at all, so the admin showed English labels (django-axes,
  django-cookie-consent).

Keys are the library's English msgid; a plural is a (singular, plural) pair. Our own texts
are Dutch in the source and need no entry here."""

from __future__ import annotations

NL: dict[str, str | tuple[str, str]] = {
    # --- django-allauth: account (adapter, forms, messages, pages) ---
    "You cannot remove your primary email address.": "U kunt uw primaire e-mailadres niet verwijderen.",
    "The email address and/or password you specified are not correct.": (
        "Het opgegeven e-mailadres en/of wachtwoord is niet juist."
    ),
    "The phone number and/or password you specified are not correct.": (
        "Het opgegeven telefoonnummer en/of wachtwoord is niet juist."
    ),
    "Please type your current password.": "Vul uw huidige wachtwoord in.",
    "You cannot add more than %d email addresses.": "U kunt niet meer dan %d e-mailadressen toevoegen.",
    "Your primary email address must be verified.": "Uw primaire e-mailadres moet bevestigd zijn.",
    "Username can not be used. Please use other username.": (
        "Deze gebruikersnaam kan niet worden gebruikt. Kies een andere gebruikersnaam."
    ),
    "The username and/or password you specified are not correct.": (
        "De opgegeven gebruikersnaam en/of het wachtwoord is niet juist."
    ),
    "Be patient, you are sending too many requests.": "Een ogenblik geduld: u stuurt te veel verzoeken.",
    "Use your password": "Gebruik uw wachtwoord",
    "You must type the same password each time.": "Vul hetzelfde wachtwoord twee keer in.",
    "You must type the same email each time.": "Vul hetzelfde e-mailadres twee keer in.",
    "View your user ID": "Uw gebruikers-ID bekijken",
    "View your email address": "Uw e-mailadres bekijken",
    "View your basic profile information": "Uw basisprofielgegevens bekijken",
    "Please reauthenticate to safeguard your account.": "Bevestig opnieuw wie u bent, ter beveiliging van uw account.",
    "The following email addresses are associated with your account:": (
        "De volgende e-mailadressen zijn aan uw account gekoppeld:"
    ),
    "The following email address is associated with your account:": (
        "Het volgende e-mailadres is aan uw account gekoppeld:"
    ),
    "Do you really want to remove the selected email address?": (
        "Weet u zeker dat u het gekozen e-mailadres wilt verwijderen?"
    ),
    "Your email address is still pending verification.": "Uw e-mailadres is nog niet bevestigd.",
    "If you have not created an account yet, then please %(link)ssign up%(end_link)s first.": (
        "Heeft u nog geen account? %(link)sRegistreer%(end_link)s u dan eerst."
    ),
    "Sign in with a passkey": "Inloggen met een passkey",
    "Are you sure you want to sign out?": "Weet u zeker dat u wilt uitloggen?",
    "You cannot remove your primary email address (%(email)s).": (
        "U kunt uw primaire e-mailadres (%(email)s) niet verwijderen."
    ),
    "You have confirmed %(email)s.": "U heeft %(email)s bevestigd.",
    "Successfully signed in as %(name)s.": "U bent ingelogd als %(name)s.",
    "You have signed out.": "U bent uitgelogd.",
    "Password successfully set.": "Uw wachtwoord is ingesteld.",
    "You have verified phone number %(phone)s.": "U heeft telefoonnummer %(phone)s bevestigd.",
    "Forgotten your password? Enter your email address below, and we'll send you an email allowing you to reset it.": (
        "Wachtwoord vergeten? Vul hieronder uw e-mailadres in; wij sturen u een e-mail waarmee u een "
        "nieuw wachtwoord kunt instellen."
    ),
    "Please contact us if you have any trouble resetting your password.": (
        "Neem contact met ons op als het niet lukt uw wachtwoord opnieuw in te stellen."
    ),
    "We have sent you an email. If you have not received it please check your spam folder. Otherwise contact us if you do not receive it in a few minutes.": (
        "Wij hebben u een e-mail gestuurd. Ziet u die niet, kijk dan in uw map met ongewenste e-mail. "
        "Neem contact met ons op als u de e-mail niet binnen enkele minuten ontvangt."
    ),
    'The password reset link was invalid, possibly because it has already been used.  Please request a <a href="%(passwd_reset_url)s">new password reset</a>.': (
        "De link om uw wachtwoord opnieuw in te stellen is ongeldig, misschien omdat hij al is gebruikt. "
        'Vraag een <a href="%(passwd_reset_url)s">nieuwe link</a> aan.'
    ),
    "Your password is now changed.": "Uw wachtwoord is gewijzigd.",
    "Your phone number is still pending verification.": "Uw telefoonnummer is nog niet bevestigd.",
    "Enter your password:": "Vul uw wachtwoord in:",
    "You will receive a special code for a password-free sign-in.": (
        "U ontvangt een code waarmee u zonder wachtwoord kunt inloggen."
    ),
    "Already have an account? Then please %(link)ssign in%(end_link)s.": (
        "Heeft u al een account? %(link)sLog dan in%(end_link)s."
    ),
    "We are sorry, but the sign up is currently closed.": "Registreren is op dit moment helaas niet mogelijk.",
    "You are already logged in as %(user_display)s.": "U bent al ingelogd als %(user_display)s.",
    "You currently do not have any email address set up. You should really add an email address so you can receive notifications, reset your password, etc.": (
        "U heeft nog geen e-mailadres. Voeg er een toe, zodat u meldingen ontvangt en uw wachtwoord "
        "opnieuw kunt instellen."
    ),
    "Verify Your Email Address": "Bevestig uw e-mailadres",
    "We have sent an email to you for verification. Follow the link provided to finalize the signup process. If you do not see the verification email in your main inbox, check your spam folder. Please contact us if you do not receive the verification email within a few minutes.": (
        "Wij hebben u een e-mail gestuurd om uw e-mailadres te bevestigen. Volg de link in die e-mail "
        "om uw registratie af te ronden. Ziet u de e-mail niet in uw inbox, kijk dan in uw map met "
        "ongewenste e-mail. Neem contact met ons op als u de e-mail niet binnen enkele minuten ontvangt."
    ),
    "This part of the site requires us to verify that\nyou are who you claim to be. For this purpose, we require that you\nverify ownership of your email address. ": (
        "Voor dit deel van de site moeten wij nagaan dat u bent wie u zegt te zijn.\n"
        "Daarom vragen wij u te bevestigen dat het e-mailadres van u is. "
    ),
    "We have sent an email to you for\nverification. Please click on the link inside that email. If you do not see the verification email in your main inbox, check your spam folder. Otherwise\ncontact us if you do not receive it within a few minutes.": (
        "Wij hebben u een e-mail gestuurd ter bevestiging. Klik op de link in die e-mail. Ziet u de "
        "e-mail niet in uw inbox, kijk dan in uw map met ongewenste e-mail. Neem anders contact met ons "
        "op als u de e-mail niet binnen enkele minuten ontvangt."
    ),
    '<strong>Note:</strong> you can still <a href="%(email_url)s">change your email address</a>.': (
        '<strong>Let op:</strong> u kunt uw <a href="%(email_url)s">e-mailadres nog wijzigen</a>.'
    ),
    # --- django-allauth: mails ---
    "You are receiving this email because you or someone else tried to signup for an\naccount using email address:\n\n%(email)s\n\nHowever, an account using that email address already exists.  In case you have\nforgotten about this, please use the password forgotten procedure to recover\nyour account:\n\n%(password_reset_url)s": (
        "U ontvangt deze e-mail omdat u of iemand anders zich probeerde te registreren met het\n"
        "e-mailadres:\n\n%(email)s\n\nEr bestaat al een account met dat e-mailadres. Bent u dat vergeten, "
        "stel dan een\nnieuw wachtwoord in om weer toegang tot uw account te krijgen:\n\n%(password_reset_url)s"
    ),
    "You are receiving this mail because the following change was made to your account:": (
        "U ontvangt deze e-mail omdat de volgende wijziging in uw account is gedaan:"
    ),
    "If you do not recognize this change then please take proper security precautions immediately. The change to your account originates from:\n\n- IP address: %(ip)s\n- Browser: %(user_agent)s\n- Date: %(timestamp)s": (
        "Herkent u deze wijziging niet? Beveilig dan meteen uw account. De wijziging kwam van:\n\n"
        "- IP-adres: %(ip)s\n- Browser: %(user_agent)s\n- Datum: %(timestamp)s"
    ),
    "Your email has been changed from %(from_email)s to %(to_email)s.": (
        "Uw e-mailadres is gewijzigd van %(from_email)s in %(to_email)s."
    ),
    "Your email has been confirmed.": "Uw e-mailadres is bevestigd.",
    "You're receiving this email because user %(user_display)s has given your email address to register an account on %(site_domain)s.": (
        "U ontvangt deze e-mail omdat gebruiker %(user_display)s uw e-mailadres heeft opgegeven om een "
        "account te registreren op %(site_domain)s."
    ),
    "Your email verification code is listed below. Please enter it in your open browser window.": (
        "Hieronder staat uw bevestigingscode. Vul die in het geopende browservenster in."
    ),
    "Please Confirm Your Email Address": "Bevestig uw e-mailadres",
    "Email address %(deleted_email)s has been removed from your account.": (
        "Het e-mailadres %(deleted_email)s is uit uw account verwijderd."
    ),
    "Your sign-in code is listed below. Please enter it in your open browser window.": (
        "Hieronder staat uw inlogcode. Vul die in het geopende browservenster in."
    ),
    "This mail can be safely ignored if you did not initiate this action.": (
        "Heeft u dit niet zelf gedaan, dan kunt u deze e-mail negeren."
    ),
    "Your password has been changed.": "Uw wachtwoord is gewijzigd.",
    "Your password reset code is listed below. Please enter it in your open browser window.": (
        "Hieronder staat uw code om het wachtwoord opnieuw in te stellen. Vul die in het geopende browservenster in."
    ),
    "You're receiving this email because you or someone else has requested a password reset for your user account.\nIt can be safely ignored if you did not request a password reset. Click the link below to reset your password.": (
        "U ontvangt deze e-mail omdat u of iemand anders heeft gevraagd het wachtwoord van uw account "
        "opnieuw in te stellen.\nHeeft u dat niet gevraagd, dan kunt u deze e-mail negeren. Klik op de "
        "link hieronder om uw wachtwoord opnieuw in te stellen."
    ),
    "In case you forgot, your username is %(username)s.": "Voor het geval u het vergeten bent: uw gebruikersnaam is %(username)s.",
    "Your password has been reset.": "Uw wachtwoord is opnieuw ingesteld.",
    "Your password has been set.": "Uw wachtwoord is ingesteld.",
    "You are receiving this email because you, or someone else, tried to access an account with email %(email)s. However, we do not have any record of such an account in our database.": (
        "U ontvangt deze e-mail omdat u, of iemand anders, probeerde in te loggen op een account met "
        "e-mailadres %(email)s. Zo'n account kennen wij niet."
    ),
    "If it was you, you can sign up for an account using the link below.": (
        "Was u dat, dan kunt u zich met de link hieronder registreren."
    ),
    # --- django-allauth: MFA ---
    "You cannot add an email address to an account protected by two-factor authentication.": (
        "U kunt geen e-mailadres toevoegen aan een account dat met tweestapsverificatie is beveiligd."
    ),
    "You cannot deactivate two-factor authentication.": "U kunt tweestapsverificatie niet uitschakelen.",
    "You cannot generate recovery codes without having two-factor authentication enabled.": (
        "U kunt pas herstelcodes maken als tweestapsverificatie aan staat."
    ),
    "You cannot activate two-factor authentication until you have verified your email address.": (
        "U kunt tweestapsverificatie pas inschakelen als u uw e-mailadres heeft bevestigd."
    ),
    "Enabling passwordless operation allows you to sign in using just this key, but imposes additional requirements such as biometrics or PIN protection.": (
        "Met inloggen zonder wachtwoord logt u in met alleen deze sleutel; de sleutel moet dan wel extra "
        "beveiligd zijn, bijvoorbeeld met biometrie of een pincode."
    ),
    "Your account is protected by two-factor authentication. Please enter an authenticator code:": (
        "Uw account is beveiligd met tweestapsverificatie. Vul een code uit uw authenticator-app in:"
    ),
    "You have added %(count)s security key.": (
        "U heeft %(count)s beveiligingssleutel toegevoegd.",
        "U heeft %(count)s beveiligingssleutels toegevoegd.",
    ),
    "You have not added any security keys/devices.": "U heeft nog geen beveiligingssleutels toegevoegd.",
    "You are about to generate a new set of recovery codes for your account.": (
        "U staat op het punt nieuwe herstelcodes voor uw account te maken."
    ),
    "Are you sure?": "Weet u het zeker?",
    "To protect your account with two-factor authentication, scan the QR code below with your authenticator app. Then, input the verification code generated by the app below.": (
        "Scan de QR-code hieronder met uw authenticator-app om uw account met tweestapsverificatie te "
        "beveiligen. Vul daarna de code die de app toont hieronder in."
    ),
    "You can store this secret and use it to reinstall your authenticator app at a later time.": (
        "Bewaar deze geheime sleutel als u uw authenticator-app later opnieuw wilt instellen."
    ),
    "You are about to deactivate authenticator app based authentication. Are you sure?": (
        "U staat op het punt inloggen met een authenticator-app uit te schakelen. Weet u het zeker?"
    ),
    "If you choose to trust this browser, you will not be asked for a verification code the next time you sign in.": (
        "Vertrouwt u deze browser, dan vragen wij de volgende keer dat u inlogt niet om een code."
    ),
    "Are you sure you want to remove this security key?": "Weet u zeker dat u deze beveiligingssleutel wilt verwijderen?",
    "You are about to create a passkey for your account. As you can add additional keys later on, you can use a descriptive name to tell the keys apart.": (
        "U staat op het punt een passkey voor uw account te maken. U kunt later meer sleutels toevoegen; "
        "geef deze daarom een naam waaraan u hem herkent."
    ),
    # --- django-allauth: parts we do not use (social accounts, OpenID provider); "u" all the same ---
    "An account already exists with this email address. Please sign in to that account first, then connect your %s account.": (
        "Er bestaat al een account met dit e-mailadres. Log eerst in op dat account en koppel daarna uw %s-account."
    ),
    "Your account has no password set up.": "Uw account heeft geen wachtwoord.",
    "Your account has no verified email address.": "Uw account heeft geen bevestigd e-mailadres.",
    "You cannot disconnect your last remaining third-party account.": "U kunt uw laatste externe account niet ontkoppelen.",
    "%(client_name)s wants to access your %(site_name)s account.": "%(client_name)s vraagt toegang tot uw %(site_name)s-account.",
    "Enter the code displayed on your device.": "Vul de code in die uw apparaat toont.",
    "Please confirm the code shown on your %(client_name)s to authorize this device.": (
        "Bevestig de code die uw %(client_name)s toont om dit apparaat toegang te geven."
    ),
    "You successfully authorized your %(client_name)s device.": "U heeft uw %(client_name)s toegang gegeven.",
    "Authorization for your %(client_name)s device has been denied.": "Uw %(client_name)s heeft geen toegang gekregen.",
    "An error occurred while attempting to login via your third-party account.": (
        "Er ging iets mis bij het inloggen met uw externe account."
    ),
    "You can sign in to your account using any of the following third-party accounts:": (
        "U kunt inloggen met een van de volgende externe accounts:"
    ),
    "You currently have no third-party accounts connected to this account.": "Er zijn geen externe accounts aan uw account gekoppeld.",
    "A third-party account from %(provider)s has been connected to your account.": (
        "Een extern account van %(provider)s is aan uw account gekoppeld."
    ),
    "A third-party account from %(provider)s has been disconnected from your account.": (
        "Een extern account van %(provider)s is van uw account ontkoppeld."
    ),
    "You are about to connect a new third-party account from %(provider)s.": (
        "U staat op het punt een extern account van %(provider)s te koppelen."
    ),
    "You are about to sign in using a third-party account from %(provider)s.": (
        "U staat op het punt in te loggen met een extern account van %(provider)s."
    ),
    'You decided to cancel logging in to our site using one of your existing accounts. If this was a mistake, please proceed to <a href="%(login_url)s">sign in</a>.': (
        "U heeft het inloggen met een extern account afgebroken. Was dat een vergissing, ga dan naar "
        '<a href="%(login_url)s">inloggen</a>.'
    ),
    # --- django-allauth: app and model names in the admin ---
    "MFA": "Tweestapsverificatie",
    "Accounts": "E-mailadressen van accounts",
    "User Sessions": "Gebruikerssessies",
    "TOTP Authenticator": "Authenticator-app (TOTP)",
    # --- django-axes (no Dutch of its own) ---
    "access attempt": "inlogpoging",
    "access attempts": "inlogpogingen",
    "access log": "inlogregistratie",
    "access logs": "inlogregistraties",
    "access failure": "mislukte inlogpoging",
    "access failures": "mislukte inlogpogingen",
    "access attempt expiration": "verloop van inlogpoging",
    "access attempt expirations": "verloop van inlogpogingen",
    "Access Attempt": "Inlogpoging",
    "Expires At": "Verloopt op",
    "The time when access attempt expires and is no longer valid.": "Het moment waarop de inlogpoging verloopt.",
    "User Agent": "Browser",
    "IP Address": "IP-adres",
    "Username": "Gebruikersnaam",
    "HTTP Accept": "HTTP-Accept",
    "Path": "Pad",
    "Attempt Time": "Tijdstip van de poging",
    "Access lock out": "Geblokkeerd",
    "GET Data": "GET-gegevens",
    "POST Data": "POST-gegevens",
    "Failed Logins": "Mislukte inlogpogingen",
    "Logout Time": "Tijdstip van uitloggen",
    "Session key hash (sha256)": "Hash van de sessiesleutel (sha256)",
    "Locked Out": "Geblokkeerd",
    "Form Data": "Formuliergegevens",
    "Meta Data": "Metagegevens",
    "Clean up expired attempts": "Verlopen inlogpogingen opruimen",
    "Not set": "Niet ingesteld",
    "Attempt Remaining": "Pogingen over",
    "Axes": "Inlogbeveiliging (Axes)",
    # --- django-cookie-consent (no Dutch of its own) ---
    "cookie consent": "Cookiebeheer",
    "Cookie Group": "Cookiegroep",
    "Cookie Groups": "Cookiegroepen",
    "Cookie": "Cookie",
    "Cookies": "Cookies",
    "Variable name": "Variabelenaam",
    "Name": "Naam",
    "Description": "Omschrijving",
    "Is required": "Noodzakelijk",
    "Are cookies in this group required.": "Zijn de cookies in deze groep noodzakelijk?",
    "Is deletable?": "Verwijderbaar",
    "Can cookies in this group be deleted.": "Mogen de cookies in deze groep worden verwijderd?",
    "Ordering": "Volgorde",
    "Created": "Aangemaakt op",
    "Domain": "Domein",
    "Declined": "Geweigerd",
    "Accepted": "Geaccepteerd",
    "Action": "Actie",
    "Version": "Versie",
    "Log item": "Logregel",
    "Log items": "Logregels",
    "# cookies": "Aantal cookies",
    "Warning icon for missing cookies in cookie group.": "Waarschuwing: deze cookiegroep heeft geen cookies.",
    # --- Django's admin: screen-reader headers of the side menu, new in 5.x, no Dutch yet ---
    "Model name": "Modelnaam",
    "Add link": "Link om toe te voegen",
    "Change or view list link": "Link naar de lijst",
}
