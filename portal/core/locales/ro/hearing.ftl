## Online hearing for administrative offences: the citizen's pages

hearing-login-title = Audiere online în procedura contravențională
hearing-login-intro = Cu datele de acces din scrisoarea de audiere puteți vedea aici acuzația și fotografiile doveditoare, vă puteți exprima cu privire la acestea, puteți indica persoana care a condus și puteți trimite documente.
hearing-case-number = Numărul dosarului
hearing-case-number-hint = Se află în partea de sus a scrisorii de audiere, de ex. OWI-2026-004711.
hearing-code = Cod de acces
hearing-code-hint = 20 de caractere în cinci grupe de câte patru, așa cum sunt tipărite pe scrisoarea de audiere. Nu contează dacă folosiți litere mari sau mici.
hearing-login-submit = Autentificare
hearing-qr-hint = Puteți scana și codul QR de pe scrisoarea de audiere cu camera telefonului dumneavoastră: astfel vă autentificați imediat.
hearing-error-summary = Există o problemă
hearing-error-typo = Codul de acces conține o greșeală de tastare. Vă rugăm să îl comparați caracter cu caracter cu scrisoarea de audiere.
hearing-error-refused = Numărul dosarului sau codul de acces nu este corect. Vă rugăm să verificați ambele date pe scrisoarea de audiere.
hearing-error-throttled = Prea multe încercări. Vă rugăm să așteptați { $minutes ->
    [one] un minut
    [few] { $minutes } minute
   *[other] { $minutes } de minute
} și să încercați din nou.
hearing-session-expired = Sesiunea dumneavoastră a expirat. Vă rugăm să vă autentificați din nou.
hearing-expired-title = Termenul pentru audierea online a expirat
hearing-expired-text = Termenul s-a încheiat pe { $date }. Nu vă mai puteți exprima online. Vă puteți adresa în continuare în scris biroului de amenzi; vă rugăm să indicați numărul dosarului.
hearing-logout = Deconectare
hearing-logged-out = V-ați deconectat.

hearing-case-title = Audiere în dosarul { $number }
hearing-deadline = Vă puteți exprima până pe { $date }.
hearing-accusation = Acuzația
hearing-offence = Fapta imputată
hearing-offence-note = Acuzația este redată aici în formularea autorității.
hearing-offence-code = Codul faptei
hearing-when = Data și ora faptei
hearing-when-value = { $date }, ora { $time }
hearing-place = Locul faptei
hearing-plate = Număr de înmatriculare
hearing-vehicle = Vehicul
hearing-legal-basis = Temei legal
hearing-sanction-warning_fine = Amendă de avertisment
hearing-sanction-fine = Amendă estimată
hearing-evidence = Fotografii doveditoare
hearing-evidence-alt = Fotografia doveditoare { $n } din { $count }
hearing-evidence-none = Nu există fotografii pentru acest caz.
hearing-evidence-open = Deschideți fotografia { $n } la dimensiune completă

hearing-rights-title = Drepturile dumneavoastră
hearing-rights = Aveți libertatea de a vă exprima cu privire la acuzație sau de a nu face nicio declarație în cauză (§ 55 din Legea privind contravențiile, OWiG). Puteți consulta oricând un avocat apărător, inclusiv înainte de a vă exprima. Datele privind persoana dumneavoastră trebuie să fie corecte.
hearing-rights-original = Textul în limba germană este cel obligatoriu din punct de vedere juridic:
hearing-courtesy = Traducere cu titlu informativ (fără caracter obligatoriu)

hearing-answer-title = Răspunsul dumneavoastră
hearing-kind-legend = Ce doriți să faceți?
hearing-kind-admit = Recunosc contravenția.
hearing-kind-admit-hint = Dacă este vorba de o amendă de avertisment, o puteți plăti apoi chiar aici.
hearing-kind-contest = Contest acuzația.
hearing-kind-driver = Nu eu am condus și indic persoana care a condus.
hearing-statement = Declarația dumneavoastră
hearing-statement-hint = Dacă contestați acuzația: descrieți ce s-a întâmplat din punctul dumneavoastră de vedere. În celelalte cazuri, declarația este opțională.
hearing-driver-legend = Persoana care a condus
hearing-driver-name = Prenume și nume
hearing-street = Strada și numărul
hearing-postcode = Cod poștal
hearing-city = Localitate
hearing-country = Țara (codul țării, de ex. DE)
hearing-born-on = Data nașterii
hearing-correct-address = Adresa mea de pe scrisoarea de audiere este greșită.
hearing-own-address-legend = Adresa dumneavoastră corectă
hearing-submit = Trimiteți răspunsul
hearing-amend = Modificați răspunsul
hearing-submitted = Răspunsul dumneavoastră a fost primit pe { $date }, la ora { $time }.
hearing-amend-note = Până la expirarea termenului vă puteți modifica răspunsul; este valabil ultimul răspuns trimis.
hearing-answer-admit = Contravenție recunoscută
hearing-answer-contest = Acuzație contestată
hearing-answer-driver = Conducătorul auto a fost indicat
hearing-processed = Biroul de amenzi a preluat răspunsul dumneavoastră. Nu mai sunt posibile modificări online.
hearing-past-deadline = Termenul a expirat; modificările nu mai sunt posibile.

hearing-problem-missing = Vă rugăm să completați „{ $field }”.
hearing-problem-too-long = „{ $field }” este prea lung.
hearing-problem-invalid = „{ $field }” nu are forma corectă.
hearing-problem-kind = Vă rugăm să alegeți ce doriți să faceți.
hearing-problem-postcode = Un cod poștal german are cinci cifre.
hearing-problem-born-on = Data nașterii trebuie să fie în trecut, iar persoana trebuie să fi avut cel puțin 15 ani la momentul faptei.

hearing-docs-title = Documente
hearing-docs-hint = PDF, JPEG sau PNG, cel mult { $mb } MB per fișier, până la { $count ->
    [one] un fișier
    [few] { $count } fișiere
   *[other] { $count } de fișiere
}.
hearing-docs-file = Fișier
hearing-docs-add = Trimiteți documentul
hearing-docs-none = Nu ați trimis încă niciun document.
hearing-docs-added = „{ $name }” a fost primit.
hearing-docs-too-large = Fișierul este prea mare (cel mult { $mb } MB).
hearing-docs-type = Sunt acceptate doar fișiere PDF, JPEG și PNG.
hearing-docs-too-many = Ați trimis deja numărul maxim de documente.
hearing-receipt = Descărcați confirmarea de primire (PDF)

hearing-pay = Plătiți acum amenda de avertisment
hearing-paid = Amenda de avertisment a fost plătită. Astfel, cauza este soluționată.

## The hearing's PDFs (letter, receipt)

hearing-letter-title = Audiere în procedura contravențională
hearing-letter-intro = Vi se impută următoarea contravenție. Vă puteți exprima cu privire la aceasta până pe { $date }, cel mai simplu online.
hearing-letter-how = Deschideți { $url } și introduceți numărul dosarului și codul de acces sau scanați codul QR.
hearing-letter-keep = Păstrați această scrisoare: codul de acces figurează numai aici.
hearing-receipt-title = Confirmare de primire pentru audierea online
hearing-receipt-intro = Răspunsul dumneavoastră în dosarul { $number } a fost primit de biroul de amenzi.
hearing-receipt-received = Primit
hearing-receipt-documents = Documente trimise
hearing-receipt-answer = Răspuns

## The office's pages

hearing-admin-title = Audieri online
hearing-admin-filter = Afișare
hearing-admin-filter-all = Toate
hearing-admin-filter-new = Cu răspuns nou
hearing-admin-filter-contested = Contestate
hearing-admin-filter-driver = Conducător auto indicat
hearing-admin-filter-paid = Plătite
hearing-admin-filter-unanswered = Fără răspuns
hearing-admin-filter-processed = Preluate
hearing-admin-col-state = Stare
hearing-admin-col-answer = Răspuns
hearing-admin-col-received = Primit
hearing-admin-col-deadline = Termen
hearing-admin-col-sanction = Sancțiune
hearing-admin-none = Niciun caz.
hearing-state-new = Fără răspuns
hearing-state-answered = Cu răspuns
hearing-state-processed = Preluat
hearing-admin-amended = modificat
hearing-admin-import = Importați cazuri
hearing-admin-import-file = Fișier (JSON Lines sau CSV)
hearing-admin-import-photos = Fotografii doveditoare (JPEG sau PNG)
hearing-admin-import-submit = Importați
hearing-admin-import-done = Import: noi { $new }, modificate { $updated }, neschimbate { $unchanged }.
hearing-admin-import-refused = Nu s-a importat nimic. Vă rugăm să corectați fișierul și să îl trimiteți din nou:
hearing-import-line = Rândul { $line }: { $problem }
hearing-import-problem-syntax = nu este o înregistrare validă ({ $detail })
hearing-import-problem-missing = lipsește câmpul { $detail }
hearing-import-problem-invalid = câmpul { $detail } nu este valid
hearing-import-problem-warning-fine-range = o amendă de avertisment este între 5 și 55 de euro
hearing-import-problem-deadline-before-offence = termenul este anterior faptei
hearing-import-problem-duplicate = același număr de dosar apare deja pe rândul { $detail }
hearing-import-problem-evidence-missing = lipsește fotografia { $detail }
hearing-import-problem-evidence-not-image = { $detail } nu este un fișier JPEG sau PNG
hearing-import-problem-already-answered = cazul are deja răspuns și nu mai poate fi modificat
hearing-import-problem-missing-column = lipsește coloana { $detail }
hearing-admin-letters = Tipăriți scrisorile de audiere ({ $count } fără scrisoare de audiere)
hearing-admin-letter-one = Emiteți o nouă scrisoare de audiere (codul de acces anterior devine nevalabil)
hearing-admin-export-zip = Exportați răspunsurile (ZIP: JSON, CSV, PDF)
hearing-admin-export-json = Exportați răspunsurile (JSON)
hearing-admin-export-csv = Exportați răspunsurile (CSV)
hearing-admin-mark-processed = Marcați ca preluat
hearing-admin-processed-done = { $count ->
    [one] Un caz a fost marcat ca preluat.
    [few] { $count } cazuri au fost marcate ca preluate.
   *[other] { $count } de cazuri au fost marcate ca preluate.
}
hearing-admin-sources = Sisteme care importă
hearing-admin-source-name = Numele sistemului
hearing-admin-source-add = Adăugați un sistem
hearing-admin-source-token = Token pentru { $name } (afișat doar acum):
hearing-admin-case = Cazul { $number }
hearing-admin-audit = Jurnal
hearing-admin-uploads = Documentele cetățeanului
hearing-admin-erased = Datele cu caracter personal ale acestui caz au fost șterse.
