# Hardening (issue 11): mail with secrets, request ids, text validation.
beheer-mail-secret-hidden = This message carries a personal sign-in link. Its content is not shown here and is erased from the database once it has been delivered.
text-error-control_character = This field contains a character that is not allowed here, such as a tab, a line break or an invisible control character. Remove it and try again.
text-error-empty = Please fill in this field.
text-error-too_long = This text is too long.
error-quote-code = Contacting us? Please quote code { $code }.
