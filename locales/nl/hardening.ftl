# Hardening (issue 11): mail with secrets, request ids, text validation.
beheer-mail-secret-hidden = Dit bericht bevat een persoonlijke inloglink. De inhoud wordt hier niet getoond en na verzending uit de database gewist.
text-error-control_character = Dit veld bevat een teken dat hier niet kan, zoals een tab, een regelovergang of een onzichtbaar stuurteken. Haal het weg en probeer het opnieuw.
text-error-empty = Vul dit veld in.
text-error-too_long = Deze tekst is te lang.
error-quote-code = Neem je contact met ons op? Vermeld dan code { $code }.
