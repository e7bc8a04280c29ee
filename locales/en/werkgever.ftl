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
wg-sent-spam = Nothing after a few minutes? Look in your junk mail folder, or check the address and request a new link.
wg-sent-again = Request a new link
wg-mail-subject = Your sign-in link for HRnexus
wg-mail-body = You asked for a link to sign in to HRnexus. Click the button below and then "Sign in". The link works for 30 minutes and only once.
wg-mail-ignore = Did you not ask for this? Then you can ignore this email. Nobody can sign in without this link.
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
wg-new-intro = Fill in which team the scan is for and until when employees can answer. You then get the links to send.
wg-form-has-errors = Not everything is filled in correctly. See the fields with a message.
wg-field-organisation = Name of the organisation
wg-field-team = Name of the team
wg-field-departments = Departments (may be left empty)
wg-field-departments-hint = One department per line, at most 30. Per department we only show figures from 5 responses, so that nobody can be recognised.
wg-field-lang = Language of the scan
wg-lang-nl = Dutch
wg-lang-en = English
wg-field-closes-on = Closing date
wg-field-closes-on-hint = Employees can answer up to and including this day. Choose a day within a year.
wg-field-invite = How do you invite employees?
wg-invite-personal = Personal links
wg-invite-personal-hint = One link per employee; each link works once. You know how many people you invited and see the response rate.
wg-invite-shared = One shared link
wg-invite-shared-hint = The same link for everybody, handy for a team app or intranet. We cannot work out a response rate then.
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
wg-links-shared-intro = Share this link with the whole team, for example by email or in the team app. Everybody can answer with it once.
wg-links-personal-label = Personal links
wg-links-personal-intro = Send every employee one link. Each link works once; whoever uses it stays anonymous.
wg-links-box-label = Links, one per line (copy them, or download them as a text file)
wg-links-download = Download as a text file
wg-links-file-round = round
wg-links-to-scan = Go to the scan

## Scan page
wg-anonymity-note = Figures per department are only on the results page, and only once there are enough responses for nobody to be recognisable.
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
