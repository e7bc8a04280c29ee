## /contact: "Dien je vraag in" (issue 7)

home-connect-link = Dien je vraag in
contact-title = Dien je vraag in
contact-intro = Vertel ons waar je organisatie mee zit. Wij lezen je vraag en zoeken in ons netwerk de HR-dienstverlener die past bij je regio, je bedrijfsgrootte en je vraag.
contact-health-warning = Schrijf in je vraag niets over de gezondheid van jezelf of van medewerkers, zoals ziektes of diagnoses. Dat hebben we niet nodig om je verder te helpen.
contact-form-has-errors = Niet alles is goed ingevuld. Kijk bij de velden met een melding.
contact-provider-asked = Je vraag gaat over deze dienstverlener:
contact-field-organisation = Organisatie
contact-field-contact-name = Je naam
contact-field-email = E-mailadres
contact-field-phone = Telefoonnummer (niet verplicht)
contact-field-kvk = KvK-nummer (niet verplicht)
contact-field-company-size = Hoeveel mensen werken er in je organisatie?
contact-field-province = Provincie
contact-province-choose = Kies een provincie
contact-field-question = Je vraag
contact-field-question-hint = Beschrijf in een paar zinnen wat er speelt en wat je graag anders ziet.
contact-field-categories = Waar gaat je vraag over? (kies er gerust meer, of geen als je het niet weet)
contact-field-consent = Ik geef HRnexus toestemming mijn gegevens en vraag te bewaren en te gebruiken om mij in contact te brengen met een passende dienstverlener.
contact-submit = Vraag versturen

contact-size-1 = Alleen ikzelf
contact-size-2-9 = 2 tot 9
contact-size-10-49 = 10 tot 49
contact-size-50-249 = 50 tot 249
contact-size-250-plus = 250 of meer

contact-province-drenthe = Drenthe
contact-province-flevoland = Flevoland
contact-province-friesland = Fryslân
contact-province-gelderland = Gelderland
contact-province-groningen = Groningen
contact-province-limburg = Limburg
contact-province-noord-brabant = Noord-Brabant
contact-province-noord-holland = Noord-Holland
contact-province-overijssel = Overijssel
contact-province-utrecht = Utrecht
contact-province-zeeland = Zeeland
contact-province-zuid-holland = Zuid-Holland

contact-error-organisation-missing = Vul de naam van je organisatie in.
contact-error-contact_name-missing = Vul je naam in, zodat we weten wie we kunnen terugbellen of mailen.
contact-error-email-missing = Vul je e-mailadres in: daar sturen we de bevestiging naartoe.
contact-error-phone-missing = Vul je telefoonnummer in.
contact-error-kvk-missing = Vul je KvK-nummer in.
contact-error-company_size-missing = Kies hoeveel mensen er in je organisatie werken.
contact-error-province-missing = Kies de provincie waar je organisatie zit.
contact-error-question-missing = Beschrijf je vraag.
contact-error-categories-missing = Kies minstens één onderwerp.
contact-error-consent-missing = Geef toestemming, anders kunnen we je vraag niet in behandeling nemen.
contact-error-too-long = Deze tekst is te lang: maximaal { $max } tekens.
contact-error-email_invalid = Dit lijkt geen e-mailadres. Controleer het, bijvoorbeeld naam@bedrijf.nl.
contact-error-phone_invalid = Dit lijkt geen telefoonnummer. Gebruik alleen cijfers, eventueel met + ervoor, bijvoorbeeld 06 12345678.
contact-error-kvk_invalid = Een KvK-nummer bestaat uit precies 8 cijfers.
contact-error-unknown_size = Kies een van de genoemde groottes.
contact-error-unknown_province = Kies een van de twaalf provincies.
contact-error-unknown_category = Kies alleen uit de genoemde onderwerpen.
contact-error-consent_missing = Geef toestemming, anders kunnen we je vraag niet in behandeling nemen.

contact-thanks-title = Bedankt voor je vraag
contact-thanks-body = We hebben je vraag ontvangen. Een medewerker van HRnexus leest hem en neemt contact met je op.
contact-thanks-mail = Je krijgt ook een bevestiging per e-mail. Zie je die niet, kijk dan even in je map met ongewenste mail.
contact-thanks-home = Terug naar de voorpagina

contact-mail-subject = We hebben je vraag ontvangen
contact-mail-greeting = Beste { $name },
contact-mail-received = Bedankt voor je vraag namens { $organisation }. We hebben hem goed ontvangen.
contact-mail-next = Een medewerker van HRnexus leest je vraag en neemt contact met je op. We delen je gegevens pas met een dienstverlener als we je in contact brengen.
contact-mail-not-you = Heb jij deze vraag niet gesteld? Dan kun je deze mail negeren; we nemen dan geen contact op met een dienstverlener.
