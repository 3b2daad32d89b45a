## Online hearing for administrative offences: the citizen's pages

hearing-login-title = Online hearing on an administrative offence
hearing-login-intro = With the access data from your hearing letter you can see the accusation and the evidence photos here, respond to it, name the person who drove, and send documents.
hearing-case-number = Case number
hearing-case-number-hint = At the top of the hearing letter, e.g. OWI-2026-004711.
hearing-code = Access code
hearing-code-hint = 20 characters in five groups of four, as printed on the hearing letter. Upper or lower case does not matter.
hearing-login-submit = Sign in
hearing-qr-hint = You can also scan the QR code on the hearing letter with your smartphone's camera: you are then signed in at once.
hearing-error-summary = There is a problem
hearing-error-typo = The access code contains a typo. Please compare it character by character with the hearing letter.
hearing-error-refused = The case number or the access code is not right. Please check both on the hearing letter.
hearing-error-throttled = Too many attempts. Please wait { $minutes ->
    [one] a minute
   *[other] { $minutes } minutes
} and try again.
hearing-session-expired = Your session has expired. Please sign in again.
hearing-expired-title = The deadline for the online hearing has passed
hearing-expired-text = The deadline was { $date }. You can no longer respond online. You can still write to the fines office; please give the case number.
hearing-logout = Sign out
hearing-logged-out = You are signed out.

hearing-case-title = Hearing on case { $number }
hearing-deadline = You can respond until { $date }.
hearing-accusation = The accusation
hearing-offence = Offence
hearing-offence-note = The accusation is quoted in the authority's own words.
hearing-offence-code = Offence number
hearing-when = Time of the offence
hearing-when-value = { $date }, { $time }
hearing-place = Place of the offence
hearing-plate = Registration plate
hearing-vehicle = Vehicle
hearing-legal-basis = Legal basis
hearing-sanction-warning_fine = Warning fine
hearing-sanction-fine = Expected fine
hearing-evidence = Evidence photos
hearing-evidence-alt = Evidence photo { $n } of { $count }
hearing-evidence-none = There are no photos for this case.
hearing-evidence-open = Open photo { $n } in full size

hearing-rights-title = Your rights
hearing-rights = You are free to respond to the accusation or not to make any statement on the matter (section 55 of the Administrative Offences Act, OWiG). You may consult a defence lawyer at any time, also before you respond. Information about your person must be true.
hearing-rights-original = The German wording is legally binding:
hearing-courtesy = Courtesy translation

hearing-answer-title = Your response
hearing-kind-legend = What would you like to do?
hearing-kind-admit = I admit the offence.
hearing-kind-admit-hint = You can then pay a warning fine right here.
hearing-kind-contest = I contest the accusation.
hearing-kind-driver = I did not drive, and I name the person who drove.
hearing-statement = Your statement
hearing-statement-hint = If you contest the accusation: describe what happened from your point of view. Otherwise it is optional.
hearing-driver-legend = The person who drove
hearing-driver-name = First and last name
hearing-street = Street and house number
hearing-postcode = Postcode
hearing-city = Town or city
hearing-country = Country (country code, e.g. DE)
hearing-born-on = Date of birth
hearing-correct-address = My address on the hearing letter is wrong.
hearing-own-address-legend = Your correct address
hearing-submit = Send response
hearing-amend = Change response
hearing-submitted = Your response arrived on { $date } at { $time }.
hearing-amend-note = You can change your response until the deadline; the last one counts.
hearing-answer-admit = Offence admitted
hearing-answer-contest = Accusation contested
hearing-answer-driver = Driver named
hearing-processed = The fines office has taken over your response. It can no longer be changed online.
hearing-past-deadline = The deadline has passed; changes are no longer possible.

hearing-problem-missing = Please fill in “{ $field }”.
hearing-problem-too-long = “{ $field }” is too long.
hearing-problem-invalid = “{ $field }” is not in the right form.
hearing-problem-kind = Please choose what you would like to do.
hearing-problem-postcode = A German postcode has five digits.
hearing-problem-born-on = The date of birth must be in the past, and the person must have been at least 15 years old at the time of the offence.

hearing-docs-title = Documents
hearing-docs-hint = PDF, JPEG or PNG, at most { $mb } MB per file, up to { $count } files.
hearing-docs-file = File
hearing-docs-add = Send document
hearing-docs-none = You have not sent any documents yet.
hearing-docs-added = “{ $name }” has arrived.
hearing-docs-too-large = The file is too large (at most { $mb } MB).
hearing-docs-type = Only PDF, JPEG and PNG are accepted.
hearing-docs-too-many = You have already sent as many documents as possible.
hearing-receipt = Download the confirmation of receipt (PDF)

hearing-pay = Pay the warning fine now
hearing-paid = The warning fine is paid. This settles the matter.

## The hearing's PDFs (letter, receipt)

hearing-letter-title = Hearing on an administrative offence
hearing-letter-intro = You are accused of the following administrative offence. You can respond until { $date }, most easily online.
hearing-letter-how = Open { $url } and enter the case number and access code, or scan the QR code.
hearing-letter-keep = Keep this letter: the access code is printed only here.
hearing-receipt-title = Confirmation of receipt for the online hearing
hearing-receipt-intro = Your response on case { $number } has reached the fines office.
hearing-receipt-received = Received
hearing-receipt-documents = Documents sent
hearing-receipt-answer = Response

## The office's pages

hearing-admin-title = Online hearings
hearing-admin-filter = Show
hearing-admin-filter-all = All
hearing-admin-filter-new = Newly answered
hearing-admin-filter-contested = Contested
hearing-admin-filter-driver = Driver named
hearing-admin-filter-paid = Paid
hearing-admin-filter-unanswered = Not answered
hearing-admin-filter-processed = Taken over
hearing-admin-col-state = Status
hearing-admin-col-answer = Response
hearing-admin-col-received = Received
hearing-admin-col-deadline = Deadline
hearing-admin-col-sanction = Sanction
hearing-admin-none = No cases.
hearing-state-new = Not answered
hearing-state-answered = Answered
hearing-state-processed = Taken over
hearing-admin-amended = changed
hearing-admin-import = Import cases
hearing-admin-import-file = File (JSON Lines or CSV)
hearing-admin-import-photos = Evidence photos (JPEG or PNG)
hearing-admin-import-submit = Import
hearing-admin-import-done = Import: { $new } new, { $updated } changed, { $unchanged } unchanged.
hearing-admin-import-refused = Nothing was imported. Please correct the file and send it again:
hearing-import-line = Line { $line }: { $problem }
hearing-import-problem-syntax = not a valid record ({ $detail })
hearing-import-problem-missing = field { $detail } is missing
hearing-import-problem-invalid = field { $detail } is not valid
hearing-import-problem-warning-fine-range = a warning fine is 5 to 55 euros
hearing-import-problem-deadline-before-offence = the deadline is before the offence
hearing-import-problem-duplicate = the same case number is already on line { $detail }
hearing-import-problem-evidence-missing = the photo { $detail } is missing
hearing-import-problem-evidence-not-image = { $detail } is not a JPEG or PNG
hearing-import-problem-already-answered = the case is already answered and can no longer change
hearing-import-problem-missing-column = the column { $detail } is missing
hearing-admin-letters = Print hearing letters ({ $count } without a letter)
hearing-admin-letter-one = Issue a new hearing letter (the previous access code stops working)
hearing-admin-export-zip = Export responses (ZIP: JSON, CSV, PDF)
hearing-admin-export-json = Export responses (JSON)
hearing-admin-export-csv = Export responses (CSV)
hearing-admin-mark-processed = Mark as taken over
hearing-admin-processed-done = { $count ->
    [one] One case is marked as taken over.
   *[other] { $count } cases are marked as taken over.
}
hearing-admin-sources = Importing systems
hearing-admin-source-name = Name of the system
hearing-admin-source-add = Add system
hearing-admin-source-token = Token for { $name } (shown only now):
hearing-admin-case = Case { $number }
hearing-admin-audit = Log
hearing-admin-uploads = The citizen's documents
hearing-admin-erased = This case's personal data has been erased.
