## An employee answers a scan: /scan/{token}
respond-page-title = Autonomy scan
# The link in the slim header to the form in the other language (written in that language).
respond-switch-language = Nederlands
respond-title = How much room do you have in your work?
respond-for = { $organisation } · { $team }
respond-intro = Five short questions about your work, in about two minutes. Your answers are anonymous.
respond-closes = You can take part up to and including { $date }.
respond-privacy-title = How do you stay anonymous?
respond-privacy-groups = Your employer only sees figures for the whole group, and only once at least { $count } people have answered.
respond-privacy-comments = Comments are only shown once there are at least { $count } answers, and then in random order.
respond-privacy-nothing = We store no name, account, IP address or time with your answers, only the date. Nothing we store with your answer points to your link.
respond-privacy-release = Your employer only sees the outcome once the scan has closed; after that it no longer changes.
respond-privacy-once-personal = This link is personal: only your first answer counts. We never show whether a link has been used, not to your employer either.
respond-privacy-once-shared = This link is for the whole group. We count one answer per browser, but we cannot see who answers: please fill in the questions once.
respond-progress-label = Progress
respond-step = Question { $number }: { $name }
respond-step-extra = Finally (optional)
respond-question-count = Question { $number } of { $total }

respond-short-werkwijze = { aspect-werkwijze }
respond-short-sterke_punten = { aspect-sterke_punten }
respond-short-taakinvloed = { aspect-taakinvloed }
respond-short-open_mening = { aspect-open_mening }
respond-short-steun = { aspect-steun }

respond-statement-werkwijze = I can decide for myself how I approach my work.
respond-statement-sterke_punten = In my job I can make good use of my strengths.
respond-statement-taakinvloed = I have a say in the order and content of my tasks.
respond-statement-open_mening = At work I dare to give my honest opinion.
respond-statement-steun = When I want to change something, my manager supports me.

respond-answer-1 = Strongly disagree
respond-answer-2 = Disagree
respond-answer-3 = { answer-neutral }
respond-answer-4 = Agree
respond-answer-5 = Strongly agree
respond-answer-weet_niet = Don't know
respond-answer-skip = I'd rather skip this

respond-extra-title = Finally, if you like
respond-extra-optional = Everything below is optional.
respond-signals-title = The last few months
respond-signals-intro = Four statements about how your work has been going in recent months. Skip anything you would rather not answer. We never ask about your health or a diagnosis.
respond-signal-count = Statement { $number } of { $total } (optional)
respond-signal-mentale_vermoeidheid = In recent months my work has often left me mentally tired or stressed.
respond-signal-initiatief = In recent months I have enjoyed taking initiative and felt involved in my work.
respond-signal-vertrekintentie = Lately I have often thought about leaving this organisation.

respond-department-label = Which department do you work in? (optional)
respond-department-hint = Your employer only sees figures for a department when enough people there have answered.
respond-department-none = I'd rather not say

respond-comment-label = Anything else you want to say? (optional)
respond-comment-hint = Do not mention names, and write nothing about your own or anyone else's health. At most 1000 characters.

respond-submit = Send my answers
respond-submit-note = Once sent, your answers cannot be changed.

respond-errors-title = Something is still missing
respond-errors-intro = Your other answers have been kept. Please look at:
respond-error-prefix = Error
respond-error-missing = Please choose an answer to this question.
respond-error-invalid = We do not recognise this answer. Please choose one of the options.
respond-error-duplicate = Please choose one answer.
respond-error-too_long = Your comment is too long. Please keep it under 1000 characters.
respond-error-unknown_department = Please choose a department from the list, or "I'd rather not say".
respond-error-comment = Your comment
respond-error-department = Your department
respond-too-many = Many answers arrived from your network in a short time. Your answers have been kept: wait a minute, then send them again.

respond-title-unknown = This link does not work
respond-message-unknown = We do not recognise this link. Perhaps it was not copied completely, or the scan has been removed.
respond-next-unknown = Check that you opened the whole link. If it still does not work, ask your employer for a new link.
respond-title-closed = This scan is closed
respond-message-closed = This questionnaire can no longer be filled in: the scan has closed.
respond-next-closed = Think this is a mistake? Ask your employer whether a new round is coming, or for a new link.
respond-title-already = Already answered, thank you!
respond-message-already = The questions for this scan have already been answered from this browser. Those answers were counted once.
respond-next-already = You can close this window.
respond-title-thanks = Thank you for your answers!
respond-message-thanks = Your answers have been stored anonymously. Your employer only sees the outcome once the scan has closed, and only for groups in which enough colleagues took part. If you had already answered through this link, only your first answer counts.
respond-next-thanks = You can close this window. Curious why autonomy matters so much?
respond-read-more = Read more about autonomy at work
