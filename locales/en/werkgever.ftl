## Employer area (werkgever): sign-in with a mail link, own scans, rounds and invite links.

## Sign-in
wg-login-title = Employer sign-in
wg-login-intro = Enter your email address. We will send you a link to sign in. No account yet? We create it as soon as you use the link.
wg-login-email = Email address
wg-login-submit = Send me a sign-in link
wg-login-no-password = You do not need a password: the link in the email is your key.
wg-login-email-invalid = Enter a valid email address, for example name@company.nl.
wg-login-throttled = Too many sign-in links were requested in a short time. Use the link you already received, or try again in an hour.
wg-sent-title = Check your email
wg-sent-body = We have sent a sign-in link to
wg-sent-expiry = Open the email and click the button. The link works for 30 minutes and only once.
wg-sent-spam = Nothing received after a few minutes? Look in your junk mail folder, or check the address and request a new link.
wg-sent-again = Request a new link
wg-mail-subject = Your sign-in link for HRnexus
wg-mail-body = You asked for a link to sign in to HRnexus. Click the button below and then "Sign in". The link works for 30 minutes and only once.
wg-mail-body-text = You asked for a link to sign in to HRnexus. Open the link below and then click "Sign in". The link works for 30 minutes and only once.
wg-mail-ignore = If you did not ask for this, you can ignore this email. Nobody can sign in without this link.
wg-mail-action = Sign in to HRnexus
wg-confirm-title = Sign in to HRnexus
wg-confirm-body = Click the button to sign in.
wg-confirm-why = Why another click? Some email programs open links in advance to check them. This way such a check does not use up your link.
wg-confirm-submit = Sign in
wg-link-invalid-title = This sign-in link no longer works
wg-link-invalid-body = A sign-in link works for 30 minutes and only once. This link has expired or was already used. Feel free to request a new one.
wg-link-invalid-again = Request a new sign-in link

## Navigation
wg-nav-scans = My scans
wg-nav-new = New scan
wg-logout = Sign out
wg-signed-in-as = Signed in as

## Scans overview
wg-dashboard-title = My scans
wg-dashboard-new = Create a new scan
wg-dashboard-empty-what = With the autonomy scan your employees answer five questions anonymously, in two minutes, about how much say they have over their work.
wg-dashboard-empty-how = You then see how the team scores and what you can improve; answers can never be traced back to one person.
wg-status = Status
wg-status-open = Open
wg-status-closed = Closed
wg-round = Round
wg-opened-on = Started on
wg-closes-on = Closing date
wg-responses = Responses
wg-responses-lower = responses
wg-invited = Invited
wg-invited-lower = invited
wg-invited-shared = shared link
wg-rate = Response rate
wg-rate-lower = response rate
wg-scan = Scan
wg-department = Department
wg-departments = Departments
wg-departments-none = None: one team
wg-scan-lang = Language of the scan

## New scan
wg-new-title = New scan
wg-new-intro = Enter which team the scan is for and the last day employees can answer. You then get the links to send.
wg-form-has-errors = Not everything is filled in correctly. See the fields with a message.
wg-field-organisation = Name of the organisation
wg-field-team = Name of the team
wg-field-departments = Departments (may be left empty)
wg-field-departments-hint = One department per line, at most 30. For each department we only show figures once it has 5 responses, so that nobody can be recognised.
wg-field-lang = Language of the scan
wg-lang-nl = Dutch
wg-lang-en = English
wg-field-closes-on = Closing date
wg-field-closes-on-hint = Employees can answer up to and including this day. Choose a day within a year.
wg-field-invite = How do you invite employees?
wg-invite-personal = Personal links
wg-invite-personal-hint = One link per employee; each link works once. That way you know how many people you invited and can see the response rate.
wg-invite-shared = One shared link
wg-invite-shared-hint = The same link for everybody, handy for a team app or intranet, but we cannot then work out a response rate.
wg-field-count = Number of employees (for personal links)
wg-field-count-hint = Between 1 and 2000. You can make more links later.
wg-create-submit = Create scan
wg-error-organisation-missing = Enter the name of the organisation.
wg-error-team-missing = Enter the name of the team.
wg-error-name-too-long = Use at most 120 characters.
wg-error-departments-too-many = Enter at most 30 departments.
wg-error-department-too-long = The department starting with "{ $name }" is too long. Use at most 80 characters per department.
wg-error-department-duplicate = The department "{ $name }" is in the list more than once.
wg-error-lang = Choose the language of the scan.
wg-error-date-missing = Choose a closing date.
wg-error-date-invalid = Enter a valid date, for example 31-12-2026.
wg-error-date-past = This date has passed. Choose today or a later day.
wg-error-date-too-far = Choose a closing date within a year from today.
wg-error-invite = Choose how you invite employees.
wg-error-count = Enter a number between 1 and 2000.
wg-error-department = Choose a department from the list.
wg-error-round-closed = This round is closed: no links can be added. Start a new round to measure again.

## New links (shown once)
wg-links-created-title = Your scan is ready
wg-links-more-title = New invitation links
wg-links-round-title = Round { $number } has started
wg-links-once = Save or send these links now.
wg-links-once-why = We do not keep the links and cannot show them again later. Lost them? Make new links on the scan's page.
wg-links-shared-label = Shared link
wg-links-shared-intro = Share this link with the whole team, for example in the team app or on a poster. It can be used to answer once per browser; someone using a second device can answer again. You can see this link again on the scan's page.
wg-links-personal-label = Personal links
wg-links-personal-intro = Send every employee one link. Each link works once; whoever uses it stays anonymous.
wg-links-box-label = Links, one per line (copy them, or download them as a text file)
wg-links-download = Download as a text file
wg-links-file-round = round
wg-links-to-scan = Go to the scan

## Scan page
wg-anonymity-note = Figures per department only appear on the results page, and only once there are enough responses for nobody to be recognisable.
wg-results-link = See the results
wg-more-title = More invitations
wg-more-intro = Make extra personal links for this round, for example for new colleagues or if you lost your links.
wg-more-count = Number of links
wg-more-department-any = Employee chooses
wg-more-submit = Make links
wg-rounds-title = Rounds
wg-rounds-caption = All rounds of this scan, newest first
wg-close-title = Close round
wg-close-intro = After closing, nobody can answer in this round any more. This cannot be undone; you can start a new round.
wg-close-submit = Yes, close this round
wg-close-cancel = No, back to the scan
wg-new-round-title = Start a new round
wg-new-round-intro = Measure again to see what changed. A new round gets new links; links from earlier rounds then stop working.
wg-new-round-closes-current = The round that is running now is closed as soon as you start the new one.
wg-new-round-submit = Start round

## Audit log entries (shown in the back office)
audit-employer_link_requested = employer: sign-in link requested
audit-employer_link_throttled = employer: sign-in link refused (too many requests)
audit-employer_login = employer: signed in
audit-employer_logout = employer: signed out

## Invitations by e-mail, cards, poster and the shared link shown again (issue 12)
wg-reach-title = Invite
wg-reach-intro = Choose how the scan reaches your employees. With invitations by email or with cards, you never hold personal links yourself.
wg-reach-mail = Invite by email
wg-reach-cards = Print invitation cards
wg-reach-shared = Shared link and poster
wg-links-download-warning = Note: whoever holds these personal links can see whether a link has been used and can answer with it. If you know who got which link, that tells you who took part. It is better to send invitations by email from HRnexus or to print cards, and not to keep this file.
inv-title = Invite by email
inv-count-invited = invited by email
inv-count-sent = sent
inv-count-pending = waiting to be sent
inv-count-failed = not delivered
inv-reminder-planned = { $days } days before the closing date ({ $date }) everyone you invited gets one reminder, without a link.
inv-reminder-sent = The reminder was sent on { $date }.
inv-addresses-note = You only see counts. We keep the addresses apart from the links, only for the reminder, and delete them as soon as the round closes. Nobody, you included, can see who got which link or who has answered.
inv-form-title = Add addresses
inv-form-intro = HRnexus sends everyone their own link in the scan's language. Addresses already invited to this round are skipped.
inv-field-addresses = Email addresses
inv-field-addresses-hint = One address per line, or paste a CSV export (we take the field with an @ on each line). At most 2000 per round.
inv-submit = Send invitations
inv-done = { $count_plural ->
    [one] 1 invitation is queued for sending.
   *[other] { $count } invitations are queued for sending.
    } { $already_plural ->
    [one] 1 address was a duplicate or already invited and was skipped.
   *[other] { $already } addresses were duplicates or already invited and were skipped.
    }
inv-error-empty = Enter at least one email address.
inv-error-invalid = { $count_plural ->
    [one] 1 line is not a valid email address: { $lines }. Correct or remove it; nothing has been sent yet.
   *[other] { $count } lines are not a valid email address: { $lines }. Correct or remove them; nothing has been sent yet.
    }
inv-error-invalid-more = and { $count } more
inv-error-too-many = You can invite at most { $max } addresses per round. { $existing } have already been invited.
inv-mail-subject = { $organisation } asks for your view: the autonomy scan
inv-mail-intro = { $organisation } asks you to fill in the autonomy scan for team { $team }. It is five short questions about how much room you get in your work, plus three short statements; it takes about two minutes.
inv-mail-personal = The link below is yours alone and works once. Your answers are anonymous: your employer only sees figures for groups, only after the round has closed, and cannot connect your answers to this address or this link. Keep this email: a reminder contains no link.
inv-mail-until = You can answer up to and including { $date }.
inv-mail-privacy = What your employer can and cannot see: { $url }
inv-mail-action = Fill in the scan
inv-reminder-subject = Reminder: the autonomy scan of { $organisation } closes on { $date }
inv-reminder-intro = On { $invited } you received an invitation to the autonomy scan of { $organisation } (team { $team }). The scan closes on { $date }.
inv-reminder-done = Already answered? Thank you, there is nothing more to do.
inv-reminder-todo = Not yet? Use the link in the invitation email you received on { $invited }.
inv-reminder-no-link = This reminder goes to everyone who was invited, because nobody keeps track of who has answered. It deliberately contains no link: we do not keep links next to email addresses, so that nobody can connect your answers to your address.
cards-title = Invitation cards
cards-intro = For teams without company email: print cards that each carry their own QR code and link, and hand them out. They carry no name and no number.
cards-shuffle = Shuffle the cards before handing them out, so that nobody knows who got which card.
cards-once = You see the cards once: we only keep an irreversible fingerprint of each link. Printing again means making new cards.
cards-no-name = Each card works once. Eight cards fit on an A4 sheet; cut along the lines.
cards-count = Number of cards
cards-submit = Make cards
cards-error-count = Enter a number between 1 and { $max }.
cards-print-now = Print these cards now.
card-heading = { $organisation } asks for your view
card-note = Autonomy scan, anonymous, about two minutes. Scan the code or type the link. Open up to and including { $date }.
print-hint = Use "Print" in your browser.
shared-title = Shared link
shared-copy-label = Copy the link
shared-again = You can open this page at any time to see and copy the link again.
shared-honest = A shared link cannot stop someone from answering twice: each browser can answer once, but another device can answer again. Anyone who has the link can answer, including people outside the team. To rule that out, invite by email or use cards.
shared-none = This round has no shared link yet.
shared-unknown = This round has a shared link from before links could be shown again. We cannot show it. Make a new one: the old link then stops working.
shared-make = Make a shared link
shared-replace = Make a new shared link
poster-link = Print a poster with a QR code
poster-title = Poster
poster-heading = { $organisation } asks for your view
poster-lead = Fill in the autonomy scan for team { $team } by { $date }. Scan the code with your phone.
poster-anonymous = Anonymous and takes about two minutes. Your employer only sees group figures, and only once the round has closed.
poster-privacy = What your employer can and cannot see is on the first page of the scan.

## Dashboard cards, closing date, deleting a scan (issue 9)
wg-card-open-until = Open until { $date }
wg-card-no-round = No round yet
wg-card-of-invited = of { $invited } invited
wg-card-shared = through the shared link
wg-card-shared-and-invited = through the shared link and { $invited } personal links
wg-card-index = Autonomy index
wg-card-index-of = out of 100 (round { $number })
wg-deleted-notice = The scan has been deleted, with all its rounds, answers and links.
wg-closing-title = Closing date
wg-closing-intro = Employees can answer up to and including the closing date. You can bring it forward or put it back, up to one year after the round started. To stop straight away, close the round now.
wg-closing-field = New closing date
wg-closing-submit = Save closing date
wg-close-now = Close round now
wg-error-date-before-opening = This date is before the round started. Choose today or a later day.
wg-error-date-round-closed = This round has already closed. A closed round's closing date no longer changes; start a new round to measure again.
wg-error-date-too-far-round = A round stays open for one year at most. Choose { $date } or earlier.
wg-delete-title = Delete scan
wg-delete-teaser = Delete the scan with all its rounds, answers and links. This cannot be undone.
wg-delete-link = Delete scan
wg-delete-intro = You are about to delete this scan, with everything that belongs to it:
wg-delete-rounds = Rounds: { $count }
wg-delete-responses = Completed scans (employees' answers): { $count }
wg-delete-comments = Comments: { $count }
wg-delete-invites = Personal links and invitations: { $count } (they stop working)
wg-delete-addresses = E-mail addresses kept for the reminder: { $count }
wg-delete-pending-mails = Invitations and reminders still waiting to be sent: { $count } (they will not go out)
wg-delete-departments = Departments: { $count }
wg-delete-final = The results and the comparison between rounds go too. Nobody, HRnexus included, can bring anything back.
wg-delete-kept = Did you ask for help from the results? That question stays: it holds only group figures, and HRnexus or a provider may already be working on it.
wg-delete-confirm = I understand that “{ $name }” is deleted for good, with all the data listed above.
wg-delete-submit = Delete scan for good
wg-delete-cancel = No, back to the scan
wg-delete-error-confirm = Tick the box to confirm that you want to delete the scan.
audit-scan_deleted = employer: scan deleted with all its data
audit-round_closing_date_changed = employer: closing date of a round moved
