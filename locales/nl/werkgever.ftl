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
wg-mail-body-text = Je vroeg om een link om in te loggen bij HRnexus. Open de link hieronder en klik daarna op "Inloggen". De link werkt 30 minuten en maar één keer.
wg-mail-ignore = Heb je dit niet zelf aangevraagd? Dan kun je deze e-mail negeren. Zonder deze link kan niemand inloggen.
wg-mail-action = Inloggen bij HRnexus
wg-confirm-title = Inloggen bij HRnexus
wg-confirm-body = Klik op de knop om in te loggen.
wg-confirm-submit = Inloggen
wg-confirm-why = Waarom nog een klik? Sommige e-mailprogramma's openen links vooraf om ze te controleren. Door deze extra klik raakt je link daar niet door op.
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
wg-links-shared-intro = Deel deze link met het hele team, bijvoorbeeld in de teamapp of op een poster. Per browser kan er één keer mee geantwoord worden; wie een tweede apparaat gebruikt, kan nog eens antwoorden. Je kunt deze link later opnieuw bekijken op de pagina van de scan.
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

## Invitations by e-mail, cards, poster and the shared link shown again (issue 12)
wg-reach-title = Uitnodigen
wg-reach-intro = Kies hoe de scan je medewerkers bereikt. Met uitnodigingen per e-mail of met kaarten heb jij zelf geen persoonlijke links in handen.
wg-reach-mail = Uitnodigen per e-mail
wg-reach-cards = Uitnodigingskaarten afdrukken
wg-reach-shared = Gedeelde link en poster
wg-links-download-warning = Let op: wie deze persoonlijke links heeft, kan zien of een link al gebruikt is en kan er zelf mee antwoorden. Weet je wie welke link kreeg, dan kun je daarmee iemands deelname afleiden. Stuur liever uitnodigingen per e-mail vanuit HRnexus of druk kaarten af, en bewaar dit bestand niet.
inv-title = Uitnodigen per e-mail
inv-count-invited = uitgenodigd per e-mail
inv-count-sent = verzonden
inv-count-pending = wachten op verzending
inv-count-failed = niet bezorgd
inv-reminder-planned = { $days } dagen voor de sluitdatum ({ $date }) krijgt iedereen die je uitnodigde één herinnering, zonder link.
inv-reminder-sent = De herinnering is verstuurd op { $date }.
inv-addresses-note = Je ziet alleen aantallen. We bewaren de adressen los van de links, alleen voor de herinnering, en wissen ze zodra de ronde sluit. Niemand, ook jij niet, kan zien wie welke link kreeg of wie al heeft ingevuld.
inv-form-title = Adressen toevoegen
inv-form-intro = HRnexus stuurt iedereen een eigen link in de taal van de scan. Adressen die al een uitnodiging voor deze ronde kregen, slaan we over.
inv-field-addresses = E-mailadressen
inv-field-addresses-hint = Eén adres per regel, of plak een CSV-export (we nemen per regel het veld met een @). Hoogstens 2000 per ronde.
inv-submit = Uitnodigingen versturen
inv-done = { $count_plural ->
    [one] 1 uitnodiging staat klaar voor verzending.
   *[other] { $count } uitnodigingen staan klaar voor verzending.
    } { $already_plural ->
    [one] 1 adres was dubbel of al uitgenodigd en is overgeslagen.
   *[other] { $already } adressen waren dubbel of al uitgenodigd en zijn overgeslagen.
    }
inv-error-empty = Vul minstens één e-mailadres in.
inv-error-invalid = { $count_plural ->
    [one] 1 regel is geen geldig e-mailadres: { $lines }. Verbeter of verwijder die regel; er is nog niets verstuurd.
   *[other] { $count } regels zijn geen geldig e-mailadres: { $lines }. Verbeter of verwijder ze; er is nog niets verstuurd.
    }
inv-error-invalid-more = en nog { $count }
inv-error-too-many = Per ronde kun je hoogstens { $max } adressen uitnodigen. Er zijn er al { $existing } uitgenodigd.
inv-mail-subject = { $organisation } vraagt je mening: de autonomie-scan
inv-mail-intro = { $organisation } vraagt je om de autonomie-scan voor team { $team } in te vullen. Het zijn vijf korte vragen over hoeveel ruimte je krijgt in je werk, plus drie korte stellingen; invullen kost ongeveer twee minuten.
inv-mail-personal = De link hieronder is alleen voor jou en werkt één keer. Je antwoorden zijn anoniem: je werkgever ziet alleen cijfers van groepen, pas nadat de ronde gesloten is, en kan je antwoorden niet koppelen aan dit adres of aan deze link. Bewaar deze mail: een herinnering bevat geen link.
inv-mail-until = Je kunt invullen tot en met { $date }.
inv-mail-privacy = Wat je werkgever wel en niet ziet: { $url }
inv-mail-action = Vul de scan in
inv-reminder-subject = Herinnering: autonomie-scan van { $organisation } sluit op { $date }
inv-reminder-intro = Op { $invited } kreeg je een uitnodiging voor de autonomie-scan van { $organisation } (team { $team }). De scan sluit op { $date }.
inv-reminder-done = Al ingevuld? Dank je wel, dan hoef je niets te doen.
inv-reminder-todo = Nog niet ingevuld? Gebruik de link in de uitnodigingsmail van { $invited }.
inv-reminder-no-link = Deze herinnering gaat naar iedereen die een uitnodiging kreeg, want niemand houdt bij wie al heeft ingevuld. Er staat bewust geen link in: we bewaren links niet naast e-mailadressen, zodat niemand je antwoorden aan je adres kan koppelen.
cards-title = Uitnodigingskaarten
cards-intro = Voor teams zonder zakelijk e-mailadres: druk kaarten af met elk een eigen QR-code en link, en deel ze uit. Er staat geen naam of nummer op.
cards-shuffle = Schud de kaarten voordat je ze uitdeelt, zodat niemand weet wie welke kaart kreeg.
cards-once = De kaarten zie je één keer: we bewaren alleen een onherleidbare vingerafdruk van elke link. Opnieuw afdrukken betekent nieuwe kaarten maken.
cards-no-name = Elke kaart werkt één keer. Per vel A4 passen acht kaarten; knip ze langs de lijnen.
cards-count = Aantal kaarten
cards-submit = Kaarten maken
cards-error-count = Vul een aantal in tussen 1 en { $max }.
cards-print-now = Druk deze kaarten nu af.
card-heading = { $organisation } vraagt je mening
card-note = Autonomie-scan, anoniem, ongeveer twee minuten. Scan de code of typ de link. Open tot en met { $date }.
print-hint = Gebruik "Afdrukken" in je browser.
shared-title = Gedeelde link
shared-copy-label = Kopieer de link
shared-again = Je kunt deze pagina altijd opnieuw openen om de link te bekijken en te kopiëren.
shared-honest = Een gedeelde link kan niet voorkomen dat iemand twee keer antwoordt: per browser kan er één keer geantwoord worden, maar met een ander apparaat kan het opnieuw. Bovendien kan iedereen die de link heeft, antwoorden, ook mensen buiten het team. Wil je dat uitsluiten, nodig dan per e-mail uit of gebruik kaarten.
shared-none = Deze ronde heeft nog geen gedeelde link.
shared-unknown = Deze ronde heeft een gedeelde link van vóór het moment dat links opnieuw getoond konden worden. Die kunnen we niet laten zien. Maak een nieuwe: de oude link werkt dan niet meer.
shared-make = Gedeelde link maken
shared-replace = Nieuwe gedeelde link maken
poster-link = Poster met QR-code afdrukken
poster-title = Poster
poster-heading = { $organisation } vraagt je mening
poster-lead = Vul de autonomie-scan voor team { $team } in, tot en met { $date }. Scan de code met je telefoon.
poster-anonymous = Anoniem en in ongeveer twee minuten. Je werkgever ziet alleen groepscijfers, pas als de ronde gesloten is.
poster-privacy = Wat je werkgever wel en niet ziet, staat op de eerste pagina van de scan.

## Dashboard cards, closing date, deleting a scan (issue 9)
wg-card-open-until = Open tot en met { $date }
wg-card-no-round = Nog geen ronde
wg-card-of-invited = van { $invited } uitgenodigd
wg-card-shared = via de gedeelde link
wg-card-shared-and-invited = via de gedeelde link en { $invited } persoonlijke links
wg-card-index = Autonomie-index
wg-card-index-of = van 100 (ronde { $number })
wg-deleted-notice = De scan is verwijderd, met alle rondes, antwoorden en links.
wg-closing-title = Sluitdatum
wg-closing-intro = Tot en met de sluitdatum kunnen medewerkers antwoorden. Je kunt de datum vervroegen of uitstellen, tot hoogstens een jaar na de start van de ronde. Wil je meteen stoppen, sluit de ronde dan nu.
wg-closing-field = Nieuwe sluitdatum
wg-closing-submit = Sluitdatum opslaan
wg-close-now = Ronde nu sluiten
wg-error-date-before-opening = Deze datum ligt vóór de start van de ronde. Kies vandaag of een latere dag.
wg-error-date-round-closed = Deze ronde is al gesloten. De sluitdatum van een gesloten ronde verandert niet meer; start een nieuwe ronde om opnieuw te meten.
wg-error-date-too-far-round = Een ronde staat hoogstens een jaar open. Kies uiterlijk { $date }.
wg-delete-title = Scan verwijderen
wg-delete-teaser = Verwijder de scan met alle rondes, antwoorden en links. Dit kun je niet terugdraaien.
wg-delete-link = Scan verwijderen
wg-delete-intro = Je staat op het punt deze scan te verwijderen, met alles wat erbij hoort:
wg-delete-rounds = Rondes: { $count }
wg-delete-responses = Ingevulde scans (antwoorden van medewerkers): { $count }
wg-delete-comments = Opmerkingen: { $count }
wg-delete-invites = Persoonlijke links en uitnodigingen: { $count } (ze werken daarna niet meer)
wg-delete-addresses = Bewaarde e-mailadressen voor de herinnering: { $count }
wg-delete-pending-mails = Uitnodigingen en herinneringen die nog verstuurd moeten worden: { $count } (die gaan niet meer de deur uit)
wg-delete-departments = Afdelingen: { $count }
wg-delete-final = Ook de resultaten en de vergelijking tussen rondes verdwijnen. Niemand, ook HRnexus niet, kan iets terughalen.
wg-delete-kept = Heb je vanuit de resultaten hulp gevraagd? Die vraag blijft bestaan: er staan alleen groepscijfers in, en HRnexus of een dienstverlener werkt er misschien al aan.
wg-delete-confirm = Ik begrijp dat “{ $name }” met alle gegevens hierboven definitief wordt verwijderd.
wg-delete-submit = Scan definitief verwijderen
wg-delete-cancel = Nee, terug naar de scan
wg-delete-error-confirm = Vink het vakje aan om te bevestigen dat je de scan wilt verwijderen.
audit-scan_deleted = werkgever: scan met alle gegevens verwijderd
audit-round_closing_date_changed = werkgever: sluitdatum van een ronde verzet
