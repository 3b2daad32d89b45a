## Online hearing for administrative offences: the citizen's pages

hearing-login-title = Audizione online nel procedimento sanzionatorio
hearing-login-intro = Con i dati di accesso indicati nel Suo modulo di audizione può vedere qui l'addebito e le foto probatorie, rispondere, indicare la persona che era alla guida e inviare documenti.
hearing-case-number = Numero di pratica
hearing-case-number-hint = Si trova in alto sul modulo di audizione, ad es. OWI-2026-004711.
hearing-code = Codice di accesso
hearing-code-hint = 20 caratteri in cinque gruppi da quattro, come stampato sul modulo di audizione. Maiuscole e minuscole non hanno importanza.
hearing-login-submit = Accedi
hearing-qr-hint = Può anche scansionare il codice QR sul modulo di audizione con la fotocamera del Suo smartphone: l'accesso avviene così direttamente.
hearing-error-summary = Si è verificato un problema
hearing-error-typo = Il codice di accesso contiene un errore di battitura. Lo confronti carattere per carattere con il modulo di audizione.
hearing-error-refused = Il numero di pratica o il codice di accesso non è corretto. Verifichi entrambi i dati sul modulo di audizione.
hearing-error-throttled = Troppi tentativi. Attenda { $minutes ->
    [one] un minuto
   *[other] { $minutes } minuti
} e riprovi.
hearing-session-expired = La Sua sessione è scaduta. Effettui di nuovo l'accesso.
hearing-expired-title = Il termine per l'audizione online è scaduto
hearing-expired-text = Il termine è scaduto il { $date }. Non può più rispondere online. Può comunque rivolgersi per iscritto all'ufficio sanzioni, indicando il numero di pratica.
hearing-logout = Esci
hearing-logged-out = Ha effettuato la disconnessione.

hearing-case-title = Audizione relativa alla pratica { $number }
hearing-deadline = Può rispondere fino al { $date }.
hearing-accusation = L'addebito
hearing-offence = Infrazione contestata
hearing-offence-note = L'addebito è riportato qui con le parole dell'autorità.
hearing-offence-code = Codice dell'infrazione
hearing-when = Data e ora dell'infrazione
hearing-when-value = { $date }, ore { $time }
hearing-place = Luogo dell'infrazione
hearing-plate = Targa
hearing-vehicle = Veicolo
hearing-legal-basis = Base giuridica
hearing-sanction-warning_fine = Sanzione di avvertimento
hearing-sanction-fine = Sanzione pecuniaria prevista
hearing-evidence = Foto probatorie
hearing-evidence-alt = Foto probatoria { $n } di { $count }
hearing-evidence-none = Per questa pratica non ci sono foto.
hearing-evidence-open = Apri la foto { $n } a grandezza intera

hearing-rights-title = I Suoi diritti
hearing-rights = Lei ha la facoltà di rendere dichiarazioni sull'addebito oppure di non rispondere nel merito (§ 55 della legge tedesca sugli illeciti amministrativi, OWiG). Può consultare un difensore in qualsiasi momento, anche prima di rendere dichiarazioni. Le indicazioni sulle Sue generalità devono essere veritiere.
hearing-rights-original = Fa fede esclusivamente il testo tedesco:
hearing-courtesy = Traduzione di cortesia (non giuridicamente vincolante)

hearing-answer-title = La Sua risposta
hearing-kind-legend = Che cosa desidera fare?
hearing-kind-admit = Ammetto l'infrazione.
hearing-kind-admit-hint = Se si tratta di una sanzione di avvertimento, potrà poi pagarla direttamente qui.
hearing-kind-contest = Contesto l'addebito.
hearing-kind-driver = Non ero alla guida e indico la persona che guidava.
hearing-statement = La Sua dichiarazione
hearing-statement-hint = Se contesta l'addebito, descriva che cosa è accaduto dal Suo punto di vista. Altrimenti la dichiarazione è facoltativa.
hearing-driver-legend = La persona che era alla guida
hearing-driver-name = Nome e cognome
hearing-street = Via e numero civico
hearing-postcode = CAP
hearing-city = Località
hearing-country = Paese (codice del Paese, ad es. DE)
hearing-born-on = Data di nascita
hearing-correct-address = Il mio indirizzo sul modulo di audizione è sbagliato.
hearing-own-address-legend = Il Suo indirizzo corretto
hearing-submit = Invia risposta
hearing-amend = Modifica risposta
hearing-submitted = La Sua risposta è pervenuta il { $date } alle ore { $time }.
hearing-amend-note = Può modificare la Sua risposta fino alla scadenza del termine; vale l'ultima inviata.
hearing-answer-admit = Infrazione ammessa
hearing-answer-contest = Addebito contestato
hearing-answer-driver = Conducente indicato
hearing-processed = L'ufficio sanzioni ha acquisito la Sua risposta. Non è più possibile modificarla online.
hearing-past-deadline = Il termine è scaduto; non è più possibile apportare modifiche.

hearing-problem-missing = Compili il campo «{ $field }».
hearing-problem-too-long = Il campo «{ $field }» è troppo lungo.
hearing-problem-invalid = Il campo «{ $field }» non ha il formato corretto.
hearing-problem-kind = Scelga che cosa desidera fare.
hearing-problem-postcode = Un codice postale tedesco ha cinque cifre.
hearing-problem-born-on = La data di nascita deve essere nel passato e la persona deve aver avuto almeno 15 anni al momento dell'infrazione.

hearing-docs-title = Documenti
hearing-docs-hint = PDF, JPEG o PNG, al massimo { $mb } MB per file, fino a { $count } file.
hearing-docs-file = File
hearing-docs-add = Invia documento
hearing-docs-none = Non ha ancora inviato documenti.
hearing-docs-added = «{ $name }» è pervenuto.
hearing-docs-too-large = Il file è troppo grande (al massimo { $mb } MB).
hearing-docs-type = Sono accettati solo file PDF, JPEG e PNG.
hearing-docs-too-many = Ha già inviato il numero massimo di documenti consentito.
hearing-receipt = Scarica la conferma di ricezione (PDF)

hearing-pay = Paga ora la sanzione di avvertimento
hearing-paid = La sanzione di avvertimento è stata pagata. La questione è così chiusa.

## The hearing's PDFs (letter, receipt)

hearing-letter-title = Audizione nel procedimento sanzionatorio
hearing-letter-intro = Le viene contestato il seguente illecito amministrativo. Può rispondere fino al { $date }, nel modo più semplice online.
hearing-letter-how = Apra { $url } e inserisca il numero di pratica e il codice di accesso, oppure scansioni il codice QR.
hearing-letter-keep = Conservi questa lettera: il codice di accesso è riportato solo qui.
hearing-receipt-title = Conferma di ricezione dell'audizione online
hearing-receipt-intro = La Sua risposta relativa alla pratica { $number } è pervenuta all'ufficio sanzioni.
hearing-receipt-received = Data di ricezione
hearing-receipt-documents = Documenti inviati
hearing-receipt-answer = Risposta

## The office's pages

hearing-admin-title = Audizioni online
hearing-admin-filter = Mostra
hearing-admin-filter-all = Tutti
hearing-admin-filter-new = Nuove risposte
hearing-admin-filter-contested = Contestati
hearing-admin-filter-driver = Conducente indicato
hearing-admin-filter-paid = Pagati
hearing-admin-filter-unanswered = Senza risposta
hearing-admin-filter-processed = Acquisiti
hearing-admin-col-state = Stato
hearing-admin-col-answer = Risposta
hearing-admin-col-received = Data di ricezione
hearing-admin-col-deadline = Termine
hearing-admin-col-sanction = Sanzione
hearing-admin-none = Nessun caso.
hearing-state-new = Senza risposta
hearing-state-answered = Risposta ricevuta
hearing-state-processed = Acquisito
hearing-admin-amended = modificata
hearing-admin-import = Importa casi
hearing-admin-import-file = File (JSON Lines o CSV)
hearing-admin-import-photos = Foto probatorie (JPEG o PNG)
hearing-admin-import-submit = Importa
hearing-admin-import-done = Importazione – nuovi: { $new }, modificati: { $updated }, invariati: { $unchanged }.
hearing-admin-import-refused = Non è stato importato nulla. Corregga il file e lo invii di nuovo:
hearing-import-line = Riga { $line }: { $problem }
hearing-import-problem-syntax = record non valido ({ $detail })
hearing-import-problem-missing = manca il campo { $detail }
hearing-import-problem-invalid = il campo { $detail } non è valido
hearing-import-problem-warning-fine-range = una sanzione di avvertimento è compresa tra 5 e 55 euro
hearing-import-problem-deadline-before-offence = il termine è anteriore all'infrazione
hearing-import-problem-duplicate = lo stesso numero di pratica è già presente alla riga { $detail }
hearing-import-problem-evidence-missing = manca la foto { $detail }
hearing-import-problem-evidence-not-image = { $detail } non è un file JPEG o PNG
hearing-import-problem-already-answered = il caso ha già ricevuto risposta e non può più essere modificato
hearing-import-problem-missing-column = manca la colonna { $detail }
hearing-admin-letters = Stampa i moduli di audizione ({ $count } senza modulo di audizione)
hearing-admin-letter-one = Emetti un nuovo modulo di audizione (il codice di accesso precedente non sarà più valido)
hearing-admin-export-zip = Esporta le risposte (ZIP: JSON, CSV, PDF)
hearing-admin-export-json = Esporta le risposte (JSON)
hearing-admin-export-csv = Esporta le risposte (CSV)
hearing-admin-mark-processed = Segna come acquisito
hearing-admin-processed-done = { $count ->
    [one] Un caso è stato segnato come acquisito.
   *[other] { $count } casi sono stati segnati come acquisiti.
}
hearing-admin-sources = Sistemi di importazione
hearing-admin-source-name = Nome del sistema
hearing-admin-source-add = Aggiungi sistema
hearing-admin-source-token = Token per { $name } (mostrato solo ora):
hearing-admin-case = Caso { $number }
hearing-admin-audit = Registro
hearing-admin-uploads = Documenti del cittadino o della cittadina
hearing-admin-erased = I dati personali di questo caso sono stati cancellati.
