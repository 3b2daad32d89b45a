## Online hearing for administrative offences: the citizen's pages

hearing-login-title = Ηλεκτρονική ακρόαση για διοικητική παράβαση
hearing-login-intro = Με τα στοιχεία πρόσβασης από την επιστολή ακρόασης (Anhörungsbogen) μπορείτε να δείτε εδώ την κατηγορία και τις αποδεικτικές φωτογραφίες, να εκφράσετε τη θέση σας, να δηλώσετε το πρόσωπο που οδηγούσε και να στείλετε έγγραφα.
hearing-case-number = Αριθμός φακέλου
hearing-case-number-hint = Αναγράφεται στο πάνω μέρος της επιστολής ακρόασης, π.χ. OWI-2026-004711.
hearing-code = Κωδικός πρόσβασης
hearing-code-hint = 20 χαρακτήρες σε πέντε ομάδες των τεσσάρων, όπως είναι τυπωμένοι στην επιστολή ακρόασης. Δεν έχει σημασία αν γράψετε κεφαλαία ή πεζά.
hearing-login-submit = Σύνδεση
hearing-qr-hint = Μπορείτε επίσης να σαρώσετε τον κωδικό QR της επιστολής ακρόασης με την κάμερα του κινητού σας: έτσι συνδέεστε αμέσως.
hearing-error-summary = Υπάρχει ένα πρόβλημα
hearing-error-typo = Ο κωδικός πρόσβασης περιέχει τυπογραφικό λάθος. Συγκρίνετέ τον χαρακτήρα προς χαρακτήρα με την επιστολή ακρόασης.
hearing-error-refused = Ο αριθμός φακέλου ή ο κωδικός πρόσβασης δεν είναι σωστός. Ελέγξτε και τα δύο στην επιστολή ακρόασης.
hearing-error-throttled = Πάρα πολλές προσπάθειες. Περιμένετε { $minutes ->
    [one] ένα λεπτό
   *[other] { $minutes } λεπτά
} και δοκιμάστε ξανά.
hearing-session-expired = Η συνεδρία σας έληξε. Συνδεθείτε ξανά.
hearing-expired-title = Η προθεσμία για την ηλεκτρονική ακρόαση έχει λήξει
hearing-expired-text = Η προθεσμία έληξε στις { $date }. Δεν μπορείτε πλέον να εκφράσετε τη θέση σας ηλεκτρονικά. Μπορείτε ακόμη να απευθυνθείτε γραπτώς στην υπηρεσία προστίμων· αναφέρετε τον αριθμό φακέλου.
hearing-logout = Αποσύνδεση
hearing-logged-out = Έχετε αποσυνδεθεί.

hearing-case-title = Ακρόαση για τον φάκελο { $number }
hearing-deadline = Μπορείτε να εκφράσετε τη θέση σας έως και τις { $date }.
hearing-accusation = Η κατηγορία
hearing-offence = Αποδιδόμενη παράβαση
hearing-offence-note = Η κατηγορία παρατίθεται αυτολεξεί, όπως τη διατύπωσε η αρχή.
hearing-offence-code = Κωδικός αριθμός παράβασης
hearing-when = Χρόνος της παράβασης
hearing-when-value = { $date }, ώρα { $time }
hearing-place = Τόπος της παράβασης
hearing-plate = Αριθμός κυκλοφορίας
hearing-vehicle = Όχημα
hearing-legal-basis = Νομική βάση
hearing-sanction-warning_fine = Προειδοποιητικό πρόστιμο
hearing-sanction-fine = Αναμενόμενο πρόστιμο
hearing-evidence = Αποδεικτικές φωτογραφίες
hearing-evidence-alt = Αποδεικτική φωτογραφία { $n } από { $count }
hearing-evidence-none = Δεν υπάρχουν φωτογραφίες για αυτή την υπόθεση.
hearing-evidence-open = Άνοιγμα της φωτογραφίας { $n } σε πλήρες μέγεθος

hearing-rights-title = Τα δικαιώματά σας
hearing-rights = Έχετε την ελευθερία να εκφράσετε τη θέση σας για την κατηγορία ή να μην καταθέσετε τίποτα επί της ουσίας της υπόθεσης (§ 55 του Νόμου για τις Διοικητικές Παραβάσεις, OWiG). Μπορείτε ανά πάσα στιγμή, ακόμη και πριν εκφράσετε τη θέση σας, να συμβουλευτείτε συνήγορο υπεράσπισης. Τα στοιχεία για το πρόσωπό σας πρέπει να είναι αληθή.
hearing-rights-original = Νομικά δεσμευτικό είναι το γερμανικό κείμενο:
hearing-courtesy = Ανεπίσημη μετάφραση (χωρίς νομική δέσμευση)

hearing-answer-title = Η απάντησή σας
hearing-kind-legend = Τι θέλετε να κάνετε;
hearing-kind-admit = Παραδέχομαι την παράβαση.
hearing-kind-admit-hint = Στη συνέχεια μπορείτε να πληρώσετε ένα προειδοποιητικό πρόστιμο απευθείας εδώ.
hearing-kind-contest = Αμφισβητώ την κατηγορία.
hearing-kind-driver = Δεν οδηγούσα εγώ και δηλώνω το πρόσωπο που οδηγούσε.
hearing-statement = Η δήλωσή σας
hearing-statement-hint = Αν αμφισβητείτε την κατηγορία, περιγράψτε τι συνέβη κατά τη γνώμη σας. Διαφορετικά η δήλωση είναι προαιρετική.
hearing-driver-legend = Το πρόσωπο που οδηγούσε
hearing-driver-name = Όνομα και επώνυμο
hearing-street = Οδός και αριθμός
hearing-postcode = Ταχυδρομικός κώδικας
hearing-city = Πόλη
hearing-country = Χώρα (κωδικός χώρας, π.χ. DE)
hearing-born-on = Ημερομηνία γέννησης
hearing-correct-address = Η διεύθυνσή μου στην επιστολή ακρόασης είναι λάθος.
hearing-own-address-legend = Η σωστή διεύθυνσή σας
hearing-submit = Αποστολή απάντησης
hearing-amend = Αλλαγή απάντησης
hearing-submitted = Η απάντησή σας παραλήφθηκε στις { $date }, ώρα { $time }.
hearing-amend-note = Μέχρι τη λήξη της προθεσμίας μπορείτε να αλλάξετε την απάντησή σας· ισχύει η τελευταία.
hearing-answer-admit = Παραδοχή της παράβασης
hearing-answer-contest = Αμφισβήτηση της κατηγορίας
hearing-answer-driver = Δήλωση οδηγού
hearing-processed = Η υπηρεσία προστίμων έχει καταχωρίσει την απάντησή σας. Δεν είναι πλέον δυνατές αλλαγές ηλεκτρονικά.
hearing-past-deadline = Η προθεσμία έχει λήξει· δεν είναι πλέον δυνατές αλλαγές.

hearing-problem-missing = Συμπληρώστε το πεδίο «{ $field }».
hearing-problem-too-long = Το πεδίο «{ $field }» είναι πολύ μεγάλο.
hearing-problem-invalid = Το πεδίο «{ $field }» δεν έχει τη σωστή μορφή.
hearing-problem-kind = Επιλέξτε τι θέλετε να κάνετε.
hearing-problem-postcode = Ο γερμανικός ταχυδρομικός κώδικας έχει πέντε ψηφία.
hearing-problem-born-on = Η ημερομηνία γέννησης πρέπει να βρίσκεται στο παρελθόν και το πρόσωπο πρέπει να ήταν τουλάχιστον 15 ετών κατά τον χρόνο της παράβασης.

hearing-docs-title = Έγγραφα
hearing-docs-hint = PDF, JPEG ή PNG, έως { $mb } MB ανά αρχείο, έως { $count } αρχεία.
hearing-docs-file = Αρχείο
hearing-docs-add = Αποστολή εγγράφου
hearing-docs-none = Δεν έχετε στείλει ακόμη έγγραφα.
hearing-docs-added = Το αρχείο «{ $name }» παραλήφθηκε.
hearing-docs-too-large = Το αρχείο είναι πολύ μεγάλο (έως { $mb } MB).
hearing-docs-type = Γίνονται δεκτά μόνο PDF, JPEG και PNG.
hearing-docs-too-many = Έχετε ήδη στείλει τον μέγιστο δυνατό αριθμό εγγράφων.
hearing-receipt = Λήψη της βεβαίωσης παραλαβής (PDF)

hearing-pay = Πληρωμή του προειδοποιητικού προστίμου τώρα
hearing-paid = Το προειδοποιητικό πρόστιμο έχει πληρωθεί. Έτσι η υπόθεση έχει διευθετηθεί.

## The hearing's PDFs (letter, receipt)

hearing-letter-title = Ακρόαση για διοικητική παράβαση
hearing-letter-intro = Σας αποδίδεται η ακόλουθη διοικητική παράβαση. Μπορείτε να εκφράσετε τη θέση σας γι’ αυτήν έως και τις { $date }, πιο εύκολα ηλεκτρονικά.
hearing-letter-how = Ανοίξτε τη διεύθυνση { $url } και εισαγάγετε τον αριθμό φακέλου και τον κωδικό πρόσβασης ή σαρώστε τον κωδικό QR.
hearing-letter-keep = Φυλάξτε αυτή την επιστολή: ο κωδικός πρόσβασης αναγράφεται μόνο εδώ.
hearing-receipt-title = Βεβαίωση παραλαβής για την ηλεκτρονική ακρόαση
hearing-receipt-intro = Η απάντησή σας για τον φάκελο { $number } παραλήφθηκε από την υπηρεσία προστίμων.
hearing-receipt-received = Παραλήφθηκε
hearing-receipt-documents = Έγγραφα που στάλθηκαν
hearing-receipt-answer = Απάντηση

## The office's pages

hearing-admin-title = Ηλεκτρονικές ακροάσεις
hearing-admin-filter = Εμφάνιση
hearing-admin-filter-all = Όλες
hearing-admin-filter-new = Νέες απαντήσεις
hearing-admin-filter-contested = Με αμφισβήτηση
hearing-admin-filter-driver = Με δήλωση οδηγού
hearing-admin-filter-paid = Πληρωμένες
hearing-admin-filter-unanswered = Χωρίς απάντηση
hearing-admin-filter-processed = Καταχωρισμένες
hearing-admin-col-state = Κατάσταση
hearing-admin-col-answer = Απάντηση
hearing-admin-col-received = Παραλήφθηκε
hearing-admin-col-deadline = Προθεσμία
hearing-admin-col-sanction = Κύρωση
hearing-admin-none = Δεν υπάρχουν υποθέσεις.
hearing-state-new = Χωρίς απάντηση
hearing-state-answered = Απαντήθηκε
hearing-state-processed = Καταχωρίστηκε
hearing-admin-amended = τροποποιήθηκε
hearing-admin-import = Εισαγωγή υποθέσεων
hearing-admin-import-file = Αρχείο (JSON Lines ή CSV)
hearing-admin-import-photos = Αποδεικτικές φωτογραφίες (JPEG ή PNG)
hearing-admin-import-submit = Εισαγωγή
hearing-admin-import-done = Εισαγωγή: { $new } νέες, { $updated } τροποποιημένες, { $unchanged } αμετάβλητες.
hearing-admin-import-refused = Δεν εισήχθη τίποτα. Διορθώστε το αρχείο και στείλτε το ξανά:
hearing-import-line = Γραμμή { $line }: { $problem }
hearing-import-problem-syntax = μη έγκυρη εγγραφή ({ $detail })
hearing-import-problem-missing = λείπει το πεδίο { $detail }
hearing-import-problem-invalid = το πεδίο { $detail } δεν είναι έγκυρο
hearing-import-problem-warning-fine-range = το προειδοποιητικό πρόστιμο είναι από 5 έως 55 ευρώ
hearing-import-problem-deadline-before-offence = η προθεσμία είναι πριν από την παράβαση
hearing-import-problem-duplicate = ο ίδιος αριθμός φακέλου υπάρχει ήδη στη γραμμή { $detail }
hearing-import-problem-evidence-missing = λείπει η φωτογραφία { $detail }
hearing-import-problem-evidence-not-image = το { $detail } δεν είναι JPEG ή PNG
hearing-import-problem-already-answered = η υπόθεση έχει ήδη απαντηθεί και δεν μπορεί πλέον να αλλάξει
hearing-import-problem-missing-column = λείπει η στήλη { $detail }
hearing-admin-letters = Εκτύπωση επιστολών ακρόασης ({ $count } χωρίς επιστολή)
hearing-admin-letter-one = Έκδοση νέας επιστολής ακρόασης (ο προηγούμενος κωδικός πρόσβασης παύει να ισχύει)
hearing-admin-export-zip = Εξαγωγή απαντήσεων (ZIP: JSON, CSV, PDF)
hearing-admin-export-json = Εξαγωγή απαντήσεων (JSON)
hearing-admin-export-csv = Εξαγωγή απαντήσεων (CSV)
hearing-admin-mark-processed = Επισήμανση ως καταχωρισμένων
hearing-admin-processed-done = { $count ->
    [one] Μία υπόθεση επισημάνθηκε ως καταχωρισμένη.
   *[other] { $count } υποθέσεις επισημάνθηκαν ως καταχωρισμένες.
}
hearing-admin-sources = Συστήματα εισαγωγής
hearing-admin-source-name = Όνομα του συστήματος
hearing-admin-source-add = Προσθήκη συστήματος
hearing-admin-source-token = Διακριτικό πρόσβασης (token) για { $name } (εμφανίζεται μόνο τώρα):
hearing-admin-case = Υπόθεση { $number }
hearing-admin-audit = Αρχείο καταγραφής
hearing-admin-uploads = Έγγραφα του πολίτη
hearing-admin-erased = Τα προσωπικά δεδομένα αυτής της υπόθεσης έχουν διαγραφεί.
