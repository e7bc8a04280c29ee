## /contact: "Ask your question" (issue 7)

home-connect-link = Ask your question
contact-title = Ask your question
contact-intro = Tell us what your organisation is dealing with. We read your question and look in our network for the HR service provider that fits your region, your company size and your question.
contact-health-warning = Do not write anything about your own health or that of employees, such as illnesses or diagnoses. We do not need it to help you further.
contact-form-has-errors = Not everything is filled in correctly. Look at the fields with a message.
contact-provider-asked = Your question is about this provider:
contact-field-organisation = Organisation
contact-field-contact-name = Your name
contact-field-email = Email address
contact-field-phone = Phone number (optional)
contact-field-kvk = Chamber of Commerce (KvK) number (optional)
contact-field-company-size = How many people work in your organisation?
contact-field-province = Province
contact-province-choose = Choose a province
contact-field-question = Your question
contact-field-question-hint = Describe in a few sentences what is going on and what you would like to change.
contact-field-categories = What is your question about? (choose several, or none if you are not sure)
contact-field-consent = I allow HRnexus to keep and use my details and question to put me in touch with a suitable provider.
contact-submit = Send question

contact-size-1 = Just me
contact-size-2-9 = 2 to 9
contact-size-10-49 = 10 to 49
contact-size-50-249 = 50 to 249
contact-size-250-plus = 250 or more

contact-province-drenthe = Drenthe
contact-province-flevoland = Flevoland
contact-province-friesland = Friesland
contact-province-gelderland = Gelderland
contact-province-groningen = Groningen
contact-province-limburg = Limburg
contact-province-noord-brabant = North Brabant
contact-province-noord-holland = North Holland
contact-province-overijssel = Overijssel
contact-province-utrecht = Utrecht
contact-province-zeeland = Zeeland
contact-province-zuid-holland = South Holland

contact-error-organisation-missing = Enter the name of your organisation.
contact-error-contact_name-missing = Enter your name, so we know whom to call or email back.
contact-error-email-missing = Enter your email address: we send the confirmation there.
contact-error-phone-missing = Enter your phone number.
contact-error-kvk-missing = Enter your KvK number.
contact-error-company_size-missing = Choose how many people work in your organisation.
contact-error-province-missing = Choose the province your organisation is in.
contact-error-question-missing = Describe your question.
contact-error-categories-missing = Choose at least one topic.
contact-error-consent-missing = Give your consent, otherwise we cannot take up your question.
contact-error-too-long = This text is too long: at most { $max } characters.
contact-error-email_invalid = This does not look like an email address. Check it, for example name@company.nl.
contact-error-phone_invalid = This does not look like a phone number. Use digits only, optionally with a + in front, for example 06 12345678.
contact-error-kvk_invalid = A KvK number has exactly 8 digits.
contact-error-unknown_size = Choose one of the sizes listed.
contact-error-unknown_province = Choose one of the twelve provinces.
contact-error-unknown_category = Choose only from the topics listed.
contact-error-consent_missing = Give your consent, otherwise we cannot take up your question.

contact-thanks-title = Thank you for your question
contact-thanks-body = We have received your question. Someone at HRnexus will read it and get in touch with you.
contact-thanks-mail = You will also get a confirmation by email. If you do not see it, check your junk mail folder.
contact-thanks-home = Back to the home page

contact-mail-subject = We have received your question
contact-mail-greeting = Dear { $name },
contact-mail-received = Thank you for your question on behalf of { $organisation }. It arrived safely.
contact-mail-next = Someone at HRnexus will read your question and get in touch with you. We share your details with a provider only when we put you in touch.
contact-mail-not-you = If you did not ask this question, you can ignore this email; we will not contact a provider.
