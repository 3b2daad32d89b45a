## Online hearing for administrative offences: the citizen's pages

hearing-login-title = Online saslušanje u prekršajnom postupku
hearing-login-intro = S pristupnim podacima iz dopisa o saslušanju ovdje možete vidjeti što Vam se stavlja na teret i dokazne fotografije, očitovati se o tome, navesti osobu koja je upravljala vozilom te poslati dokumente.
hearing-case-number = Broj predmeta
hearing-case-number-hint = Nalazi se na vrhu dopisa o saslušanju, npr. OWI-2026-004711.
hearing-code = Pristupni kod
hearing-code-hint = 20 znakova u pet skupina po četiri, kako je otisnuto na dopisu o saslušanju. Velika i mala slova nisu važna.
hearing-login-submit = Prijava
hearing-qr-hint = QR kod s dopisa o saslušanju možete skenirati i kamerom svojeg pametnog telefona: tada ste odmah prijavljeni.
hearing-error-summary = Postoji problem
hearing-error-typo = Pristupni kod sadrži pogrešku u pisanju. Usporedite ga znak po znak s dopisom o saslušanju.
hearing-error-refused = Broj predmeta ili pristupni kod nisu točni. Provjerite oba podatka na dopisu o saslušanju.
hearing-error-throttled = Previše pokušaja. Pričekajte { $minutes ->
    [one] { $minutes } minutu
    [few] { $minutes } minute
   *[other] { $minutes } minuta
} i pokušajte ponovno.
hearing-session-expired = Vaša je sesija istekla. Prijavite se ponovno.
hearing-expired-title = Rok za online saslušanje je istekao
hearing-expired-text = Rok je istekao { $date }. Online se više ne možete očitovati. I dalje se možete pisanim putem obratiti službi za novčane kazne; pritom navedite broj predmeta.
hearing-logout = Odjava
hearing-logged-out = Odjavljeni ste.

hearing-case-title = Saslušanje u predmetu { $number }
hearing-deadline = Možete se očitovati do { $date }.
hearing-accusation = Što Vam se stavlja na teret
hearing-offence = Opis prekršaja
hearing-offence-note = Opis prekršaja naveden je doslovno, riječima nadležnog tijela.
hearing-offence-code = Šifra prekršaja
hearing-when = Vrijeme počinjenja
hearing-when-value = { $date } u { $time } sati
hearing-place = Mjesto počinjenja
hearing-plate = Registarska oznaka
hearing-vehicle = Vozilo
hearing-legal-basis = Pravna osnova
hearing-sanction-warning_fine = Novčana kazna uz upozorenje
hearing-sanction-fine = Očekivana novčana kazna
hearing-evidence = Dokazne fotografije
hearing-evidence-alt = Dokazna fotografija { $n } od { $count }
hearing-evidence-none = Za ovaj predmet nema fotografija.
hearing-evidence-open = Otvori fotografiju { $n } u punoj veličini

hearing-rights-title = Vaša prava
hearing-rights = Slobodni ste očitovati se o okrivljenju ili ne iskazivati o samoj stvari (§ 55 Zakona o prekršajima, OWiG). U svakom trenutku, pa i prije svojeg očitovanja, možete se savjetovati s braniteljicom ili braniteljem. Podaci o Vašoj osobi moraju biti točni.
hearing-rights-original = Pravno je obvezujući tekst na njemačkom jeziku:
hearing-courtesy = Neslužbeni prijevod (pravno neobvezujući)

hearing-answer-title = Vaše očitovanje
hearing-kind-legend = Što želite učiniti?
hearing-kind-admit = Priznajem prekršaj.
hearing-kind-admit-hint = Novčanu kaznu uz upozorenje nakon toga možete platiti odmah ovdje.
hearing-kind-contest = Osporavam ono što mi se stavlja na teret.
hearing-kind-driver = Vozilom je upravljala druga osoba; navodim tu osobu.
hearing-statement = Vaša izjava
hearing-statement-hint = Ako osporavate ono što Vam se stavlja na teret, opišite što se prema Vašem viđenju dogodilo. U suprotnom je izjava dobrovoljna.
hearing-driver-legend = Osoba koja je upravljala vozilom
hearing-driver-name = Ime i prezime
hearing-street = Ulica i kućni broj
hearing-postcode = Poštanski broj
hearing-city = Mjesto
hearing-country = Država (oznaka države, npr. DE)
hearing-born-on = Datum rođenja
hearing-correct-address = Moja adresa na dopisu o saslušanju nije točna.
hearing-own-address-legend = Vaša točna adresa
hearing-submit = Pošalji očitovanje
hearing-amend = Izmijeni očitovanje
hearing-submitted = Vaše očitovanje zaprimljeno je { $date } u { $time } sati.
hearing-amend-note = Do isteka roka možete izmijeniti svoje očitovanje; vrijedi posljednje.
hearing-answer-admit = Prekršaj priznat
hearing-answer-contest = Osporeno
hearing-answer-driver = Navedena osoba koja je upravljala vozilom
hearing-processed = Služba za novčane kazne preuzela je Vaše očitovanje. Online izmjene više nisu moguće.
hearing-past-deadline = Rok je istekao; izmjene više nisu moguće.

hearing-problem-missing = Ispunite polje „{ $field }“.
hearing-problem-too-long = Polje „{ $field }“ je predugo.
hearing-problem-invalid = Polje „{ $field }“ nije u ispravnom obliku.
hearing-problem-kind = Odaberite što želite učiniti.
hearing-problem-postcode = Njemački poštanski broj ima pet znamenaka.
hearing-problem-born-on = Datum rođenja mora biti u prošlosti, a osoba je u vrijeme počinjenja prekršaja morala imati najmanje 15 godina.

hearing-docs-title = Dokumenti
hearing-docs-hint = PDF, JPEG ili PNG, najviše { $mb } MB po datoteci, najveći broj datoteka: { $count }.
hearing-docs-file = Datoteka
hearing-docs-add = Pošalji dokument
hearing-docs-none = Još niste poslali nijedan dokument.
hearing-docs-added = Dokument „{ $name }“ je zaprimljen.
hearing-docs-too-large = Datoteka je prevelika (najviše { $mb } MB).
hearing-docs-type = Prihvaćaju se samo PDF, JPEG i PNG.
hearing-docs-too-many = Već ste poslali najveći dopušteni broj dokumenata.
hearing-receipt = Preuzmi potvrdu o primitku (PDF)

hearing-pay = Plati odmah novčanu kaznu uz upozorenje
hearing-paid = Novčana kazna uz upozorenje je plaćena. Time je predmet riješen.

## The hearing's PDFs (letter, receipt)

hearing-letter-title = Saslušanje u prekršajnom postupku
hearing-letter-intro = Stavlja Vam se na teret sljedeći prekršaj. O tome se možete očitovati do { $date }, najjednostavnije online.
hearing-letter-how = Otvorite { $url } i unesite broj predmeta i pristupni kod ili skenirajte QR kod.
hearing-letter-keep = Sačuvajte ovaj dopis: pristupni kod naveden je samo ovdje.
hearing-receipt-title = Potvrda o primitku za online saslušanje
hearing-receipt-intro = Služba za novčane kazne zaprimila je Vaše očitovanje u predmetu { $number }.
hearing-receipt-received = Zaprimljeno
hearing-receipt-documents = Poslani dokumenti
hearing-receipt-answer = Očitovanje

## The office's pages

hearing-admin-title = Online saslušanja
hearing-admin-filter = Prikaži
hearing-admin-filter-all = Sve
hearing-admin-filter-new = Novi odgovori
hearing-admin-filter-contested = Osporeno
hearing-admin-filter-driver = Navedena osoba koja je upravljala vozilom
hearing-admin-filter-paid = Plaćeno
hearing-admin-filter-unanswered = Bez odgovora
hearing-admin-filter-processed = Preuzeto
hearing-admin-col-state = Stanje
hearing-admin-col-answer = Očitovanje
hearing-admin-col-received = Zaprimljeno
hearing-admin-col-deadline = Rok
hearing-admin-col-sanction = Sankcija
hearing-admin-none = Nema predmeta.
hearing-state-new = Bez odgovora
hearing-state-answered = Odgovoreno
hearing-state-processed = Preuzeto
hearing-admin-amended = izmijenjeno
hearing-admin-import = Uvezi predmete
hearing-admin-import-file = Datoteka (JSON Lines ili CSV)
hearing-admin-import-photos = Dokazne fotografije (JPEG ili PNG)
hearing-admin-import-submit = Uvezi
hearing-admin-import-done = Uvoz: novo: { $new }, izmijenjeno: { $updated }, nepromijenjeno: { $unchanged }.
hearing-admin-import-refused = Ništa nije uvezeno. Ispravite datoteku i pošaljite je ponovno:
hearing-import-line = Redak { $line }: { $problem }
hearing-import-problem-syntax = nije valjan zapis ({ $detail })
hearing-import-problem-missing = nedostaje polje { $detail }
hearing-import-problem-invalid = polje { $detail } nije valjano
hearing-import-problem-warning-fine-range = novčana kazna uz upozorenje iznosi od 5 do 55 eura
hearing-import-problem-deadline-before-offence = rok je prije datuma prekršaja
hearing-import-problem-duplicate = isti broj predmeta već se nalazi u retku { $detail }
hearing-import-problem-evidence-missing = nedostaje fotografija { $detail }
hearing-import-problem-evidence-not-image = { $detail } nije JPEG ni PNG
hearing-import-problem-already-answered = na predmet je već odgovoreno i više se ne može mijenjati
hearing-import-problem-missing-column = nedostaje stupac { $detail }
hearing-admin-letters = Ispiši dopise o saslušanju (bez dopisa: { $count })
hearing-admin-letter-one = Izdaj novi dopis o saslušanju (dosadašnji pristupni kod prestaje vrijediti)
hearing-admin-export-zip = Izvezi očitovanja (ZIP: JSON, CSV, PDF)
hearing-admin-export-json = Izvezi očitovanja (JSON)
hearing-admin-export-csv = Izvezi očitovanja (CSV)
hearing-admin-mark-processed = Označi kao preuzeto
hearing-admin-processed-done = { $count ->
    [one] { $count } predmet označen je kao preuzet.
    [few] { $count } predmeta označena su kao preuzeta.
   *[other] { $count } predmeta označeno je kao preuzeto.
}
hearing-admin-sources = Sustavi za uvoz
hearing-admin-source-name = Naziv sustava
hearing-admin-source-add = Dodaj sustav
hearing-admin-source-token = Token za { $name } (prikazuje se samo sada):
hearing-admin-case = Predmet { $number }
hearing-admin-audit = Zapisnik
hearing-admin-uploads = Dokumenti građanke ili građanina
hearing-admin-erased = Osobni podaci ovog predmeta su izbrisani.
