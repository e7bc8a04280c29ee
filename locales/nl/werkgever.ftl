## Employer area (werkgever): sign-in with a mail link, own scans, rounds and invite links.

## Sign-in
wg-login-title = Inloggen als werkgever
wg-login-intro = Vul je e-mailadres in. We sturen je een link waarmee je inlogt. Heb je nog geen account? Dan maken we dat aan zodra je de link gebruikt.
wg-login-email = E-mailadres
wg-login-submit = Stuur mij een inloglink
wg-login-no-password = Je hebt geen wachtwoord nodig: de link in de e-mail is je sleutel.
wg-login-email-invalid = Vul een geldig e-mailadres in, bijvoorbeeld naam@bedrijf.nl.
wg-login-throttled = Er zijn kort na elkaar te veel inloglinks aangevraagd. Gebruik de link die je al hebt gekregen, of probeer het over een uur opnieuw.
wg-sent-title = Kijk in je e-mail
wg-sent-body = We hebben een inloglink gestuurd naar
wg-sent-expiry = Open de e-mail en klik op de knop. De link werkt 30 minuten en maar één keer.
wg-sent-spam = Niets ontvangen na een paar minuten? Kijk in de map met ongewenste e-mail, of controleer het adres en vraag een nieuwe link aan.
wg-sent-again = Een nieuwe link aanvragen
wg-mail-subject = Je inloglink voor HRnexus
wg-mail-body = Je vroeg om een link om in te loggen bij HRnexus. Klik op de knop hieronder en daarna op "Inloggen". De link werkt 30 minuten en maar één keer.
wg-mail-ignore = Heb je dit niet zelf aangevraagd? Dan kun je deze e-mail negeren. Zonder deze link kan niemand inloggen.
wg-mail-action = Inloggen bij HRnexus
wg-confirm-title = Inloggen bij HRnexus
wg-confirm-body = Klik op de knop om in te loggen.
wg-confirm-submit = Inloggen
wg-confirm-why = Waarom nog een klik? Sommige e-mailprogramma's openen links vooraf om ze te controleren. Zo gebruikt zo'n controle je link niet op.
wg-link-invalid-title = Deze inloglink werkt niet meer
wg-link-invalid-body = Een inloglink werkt 30 minuten en maar één keer. Deze link is verlopen of al gebruikt. Vraag gerust een nieuwe aan.
wg-link-invalid-again = Nieuwe inloglink aanvragen

## Navigation
wg-nav-scans = Mijn scans
wg-nav-new = Nieuwe scan
wg-logout = Uitloggen
wg-signed-in-as = Ingelogd als

## Scans overview
wg-dashboard-title = Mijn scans
wg-dashboard-new = Nieuwe scan maken
wg-dashboard-empty-what = Met de autonomie-scan beantwoorden je medewerkers anoniem, in twee minuten, vijf vragen over hoeveel regie zij over hun werk hebben.
wg-dashboard-empty-how = Jij ziet daarna hoe het team scoort en wat je kunt verbeteren; antwoorden zijn nooit naar één persoon terug te leiden.
wg-status = Status
wg-status-open = Open
wg-status-closed = Gesloten
wg-round = Ronde
wg-opened-on = Gestart op
wg-closes-on = Sluitdatum
wg-responses = Reacties
wg-responses-lower = reacties
wg-invited = Uitgenodigd
wg-invited-lower = uitgenodigd
wg-invited-shared = gedeelde link
wg-rate = Respons
wg-rate-lower = respons
wg-scan = Scan
wg-department = Afdeling
wg-departments = Afdelingen
wg-departments-none = Geen: één team
wg-scan-lang = Taal van de scan

## New scan
wg-new-title = Nieuwe scan
wg-new-intro = Vul in voor welk team de scan is en tot wanneer medewerkers kunnen antwoorden. Daarna krijg je de links om te versturen.
wg-form-has-errors = Niet alles is goed ingevuld. Kijk bij de velden met een melding.
wg-field-organisation = Naam van de organisatie
wg-field-team = Naam van het team
wg-field-departments = Afdelingen (mag leeg blijven)
wg-field-departments-hint = Eén afdeling per regel, hoogstens 30. Per afdeling tonen we pas cijfers vanaf 5 reacties, zodat niemand herkenbaar is.
wg-field-lang = Taal van de scan
wg-lang-nl = Nederlands
wg-lang-en = Engels
wg-field-closes-on = Sluitdatum
wg-field-closes-on-hint = Tot en met deze dag kunnen medewerkers antwoorden. Kies een dag binnen een jaar.
wg-field-invite = Hoe nodig je medewerkers uit?
wg-invite-personal = Persoonlijke links
wg-invite-personal-hint = Eén link per medewerker; elke link werkt één keer. Zo weet je hoeveel mensen je hebt uitgenodigd en zie je de respons.
wg-invite-shared = Eén gedeelde link
wg-invite-shared-hint = Dezelfde link voor iedereen, handig voor een teamapp of intranet. De respons kunnen we dan niet berekenen.
wg-field-count = Aantal medewerkers (bij persoonlijke links)
wg-field-count-hint = Tussen 1 en 2000. Je kunt later meer links maken.
wg-create-submit = Scan aanmaken
wg-error-organisation-missing = Vul de naam van de organisatie in.
wg-error-team-missing = Vul de naam van het team in.
wg-error-name-too-long = Gebruik hoogstens 120 tekens.
wg-error-departments-too-many = Vul hoogstens 30 afdelingen in.
wg-error-department-too-long = De afdeling die begint met "{ $name }" is te lang. Gebruik hoogstens 80 tekens per afdeling.
wg-error-department-duplicate = De afdeling "{ $name }" staat er meer dan één keer in.
wg-error-lang = Kies de taal van de scan.
wg-error-date-missing = Kies een sluitdatum.
wg-error-date-invalid = Vul een geldige datum in, bijvoorbeeld 31-12-2026.
wg-error-date-past = Deze datum is al voorbij. Kies vandaag of een latere dag.
wg-error-date-too-far = Kies een sluitdatum binnen een jaar vanaf vandaag.
wg-error-invite = Kies hoe je medewerkers uitnodigt.
wg-error-count = Vul een aantal in tussen 1 en 2000.
wg-error-department = Kies een afdeling uit de lijst.
wg-error-round-closed = Deze ronde is gesloten: er kunnen geen links meer bij. Start een nieuwe ronde om opnieuw te meten.

## New links (shown once)
wg-links-created-title = Je scan staat klaar
wg-links-more-title = Nieuwe uitnodigingslinks
wg-links-round-title = Ronde { $number } is gestart
wg-links-once = Bewaar of verstuur deze links nu.
wg-links-once-why = We bewaren de links niet en kunnen ze later niet opnieuw laten zien. Kwijt? Dan maak je op de pagina van de scan nieuwe links.
wg-links-shared-label = Gedeelde link
wg-links-shared-intro = Deel deze link met het hele team, bijvoorbeeld per e-mail of in de teamapp. Iedereen kan er één keer mee antwoorden.
wg-links-personal-label = Persoonlijke links
wg-links-personal-intro = Stuur iedere medewerker één link. Elke link werkt één keer; wie hem gebruikt, blijft anoniem.
wg-links-box-label = Links, één per regel (kopieer ze, of download ze als tekstbestand)
wg-links-download = Download als tekstbestand
wg-links-file-round = ronde
wg-links-to-scan = Naar de scan

## Scan page
wg-anonymity-note = Cijfers per afdeling zie je alleen op de resultatenpagina, en pas als er genoeg reacties zijn om niemand herkenbaar te maken.
wg-results-link = Bekijk de resultaten
wg-more-title = Meer uitnodigingen
wg-more-intro = Maak extra persoonlijke links voor deze ronde, bijvoorbeeld voor nieuwe collega's of als je links kwijt bent.
wg-more-count = Aantal links
wg-more-department-any = Medewerker kiest zelf
wg-more-submit = Links maken
wg-rounds-title = Rondes
wg-rounds-caption = Alle rondes van deze scan, nieuwste eerst
wg-close-title = Ronde sluiten
wg-close-intro = Na het sluiten kan niemand meer antwoorden in deze ronde. Dit kun je niet terugdraaien; je kunt wel een nieuwe ronde starten.
wg-close-submit = Ja, sluit deze ronde
wg-close-cancel = Nee, terug naar de scan
wg-new-round-title = Nieuwe ronde starten
wg-new-round-intro = Meet opnieuw om te zien wat er veranderd is. Een nieuwe ronde krijgt nieuwe links; links van eerdere rondes werken dan niet meer.
wg-new-round-closes-current = De ronde die nu loopt, wordt gesloten zodra je de nieuwe start.
wg-new-round-submit = Ronde starten

## Audit log entries (shown in the back office)
audit-employer_link_requested = werkgever: inloglink aangevraagd
audit-employer_link_throttled = werkgever: inloglink geweigerd (te veel aanvragen)
audit-employer_login = werkgever: ingelogd
audit-employer_logout = werkgever: uitgelogd
