## Medewerker beantwoordt een scan: /scan/{token}
respond-page-title = Autonomie-scan
# The link in the slim header to the form in the other language (written in that language).
respond-switch-language = English
respond-title = Hoeveel ruimte heb jij in je werk?
respond-for = { $organisation } · { $team }
respond-intro = Vijf korte vragen over je werk, in zo'n twee minuten. Je antwoorden zijn anoniem.
respond-closes = Je kunt meedoen tot en met { $date }.
respond-privacy-title = Hoe blijf je anoniem?
respond-privacy-groups = Je werkgever ziet alleen cijfers van de hele groep, en pas als minstens { $count } mensen hebben geantwoord.
respond-privacy-comments = Opmerkingen zijn pas zichtbaar vanaf { $count } antwoorden, in willekeurige volgorde.
respond-privacy-nothing = We bewaren geen naam, account, IP-adres of tijdstip bij je antwoorden, alleen de datum. Niets wat we bij je antwoord opslaan verwijst naar je link.
respond-privacy-release = Je werkgever ziet de uitkomst pas als de scan gesloten is; daarna verandert die niet meer.
respond-privacy-once-personal = Deze link is persoonlijk: alleen je eerste antwoord telt. We laten nergens zien of een link al gebruikt is, ook niet aan je werkgever.
respond-privacy-once-shared = Deze link is voor de hele groep. We tellen één antwoord per browser, maar we kunnen niet zien wie er antwoordt: vul de vragen alsjeblieft één keer in.
respond-progress-label = Voortgang
respond-step = Vraag { $number }: { $name }
respond-step-extra = Tot slot (niet verplicht)
respond-question-count = Vraag { $number } van { $total }

respond-short-werkwijze = { aspect-werkwijze }
respond-short-sterke_punten = { aspect-sterke_punten }
respond-short-taakinvloed = { aspect-taakinvloed }
respond-short-open_mening = { aspect-open_mening }
respond-short-steun = { aspect-steun }

respond-statement-werkwijze = Ik mag zelf bepalen hoe ik mijn werk aanpak.
respond-statement-sterke_punten = In mijn functie kan ik mijn sterke punten goed inzetten.
respond-statement-taakinvloed = Ik heb invloed op de volgorde en de invulling van mijn taken.
respond-statement-open_mening = Ik durf op mijn werk eerlijk mijn mening te geven.
respond-statement-steun = Als ik iets wil veranderen, steunt mijn leidinggevende mij daarin.

respond-answer-1 = Helemaal oneens
respond-answer-2 = Oneens
respond-answer-3 = { answer-neutral }
respond-answer-4 = Eens
respond-answer-5 = Helemaal eens
respond-answer-weet_niet = Weet ik niet
respond-answer-skip = Sla ik over

respond-extra-title = Tot slot, als je wilt
respond-extra-optional = Alles hieronder is niet verplicht.
respond-signals-title = De afgelopen maanden
respond-signals-intro = Vier uitspraken over hoe het de laatste maanden met je werk gaat. Sla over wat je niet wilt beantwoorden. We vragen nooit naar je gezondheid of een diagnose.
respond-signal-count = Uitspraak { $number } van { $total } (niet verplicht)
respond-signal-mentale_vermoeidheid = Mijn werk maakt me de afgelopen maanden vaak mentaal moe of gestrest.
respond-signal-initiatief = Ik neem de afgelopen maanden graag initiatief en voel me betrokken bij mijn werk.
respond-signal-vertrekintentie = Ik denk de laatste tijd regelmatig na over vertrekken bij deze organisatie.

respond-department-label = Op welke afdeling werk je? (niet verplicht)
respond-department-hint = Je werkgever ziet per afdeling alleen cijfers als daar genoeg mensen hebben geantwoord.
respond-department-none = Zeg ik liever niet

respond-comment-label = Wil je nog iets kwijt? (niet verplicht)
respond-comment-hint = Noem geen namen en schrijf niets over je gezondheid of die van anderen. Maximaal 1000 tekens.

respond-submit = Verstuur mijn antwoorden
respond-submit-note = Na het versturen kun je je antwoorden niet meer aanpassen.

respond-errors-title = Er ontbreekt nog iets
respond-errors-intro = Je andere antwoorden zijn bewaard. Kijk naar:
respond-error-prefix = Fout
respond-error-missing = Kies een antwoord bij deze vraag.
respond-error-invalid = Dit antwoord kennen we niet. Kies een van de mogelijkheden.
respond-error-duplicate = Kies één antwoord.
respond-error-too_long = Je opmerking is te lang. Maak hem korter dan 1000 tekens.
respond-error-unknown_department = Kies een afdeling uit de lijst, of "zeg ik liever niet".
respond-error-comment = Je opmerking
respond-error-department = Je afdeling
respond-too-many = Er kwamen vanaf jouw netwerk veel antwoorden kort na elkaar. Je antwoorden zijn bewaard: wacht een minuut en verstuur ze dan opnieuw.

respond-title-unknown = Deze link werkt niet
respond-message-unknown = We kennen deze link niet. Misschien is hij niet helemaal gekopieerd, of is de scan verwijderd.
respond-next-unknown = Controleer of je de hele link hebt geopend. Werkt hij nog steeds niet, vraag je werkgever dan om een nieuwe link.
respond-title-closed = Deze scan is gesloten
respond-message-closed = Je kunt deze vragenlijst niet meer invullen: de scan is afgesloten.
respond-next-closed = Denk je dat dit niet klopt? Vraag je werkgever of er een nieuwe ronde komt, of om een nieuwe link.
respond-title-already = Al beantwoord, bedankt!
respond-message-already = Vanuit deze browser zijn de vragen voor deze scan al beantwoord. Die antwoorden zijn één keer meegeteld.
respond-next-already = Je kunt dit venster sluiten.
respond-title-thanks = Bedankt voor je antwoorden!
respond-message-thanks = Je antwoorden zijn anoniem opgeslagen. Je werkgever ziet de uitkomst pas als de scan gesloten is, en alleen voor groepen waarin genoeg collega's meededen. Had je via deze link al eerder geantwoord? Dan telt alleen je eerste antwoord.
respond-next-thanks = Je kunt dit venster sluiten. Benieuwd waarom autonomie zo belangrijk is?
respond-read-more = Lees meer over autonomie op het werk
