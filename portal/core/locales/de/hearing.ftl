## Online hearing for administrative offences: the citizen's pages

hearing-login-title = Online-Anhörung im Bußgeldverfahren
hearing-login-intro = Mit den Zugangsdaten aus Ihrem Anhörungsbogen sehen Sie hier den Vorwurf und die Beweisfotos, äußern sich dazu, benennen die Person, die gefahren ist, und senden Unterlagen.
hearing-case-number = Aktenzeichen
hearing-case-number-hint = Steht oben auf dem Anhörungsbogen, z. B. OWI-2026-004711.
hearing-code = Zugangscode
hearing-code-hint = 20 Zeichen in fünf Vierergruppen, wie auf dem Anhörungsbogen gedruckt. Groß- und Kleinschreibung spielen keine Rolle.
hearing-login-submit = Anmelden
hearing-qr-hint = Sie können auch den QR-Code auf dem Anhörungsbogen mit der Kamera Ihres Smartphones scannen: Dann sind Sie gleich angemeldet.
hearing-error-summary = Es gibt ein Problem
hearing-error-typo = Der Zugangscode enthält einen Tippfehler. Bitte vergleichen Sie ihn Zeichen für Zeichen mit dem Anhörungsbogen.
hearing-error-refused = Aktenzeichen oder Zugangscode stimmen nicht. Bitte prüfen Sie beide Angaben auf dem Anhörungsbogen.
hearing-error-throttled = Zu viele Versuche. Bitte warten Sie { $minutes ->
    [one] eine Minute
   *[other] { $minutes } Minuten
} und versuchen Sie es dann erneut.
hearing-session-expired = Ihre Sitzung ist abgelaufen. Bitte melden Sie sich erneut an.
hearing-expired-title = Die Frist für die Online-Anhörung ist abgelaufen
hearing-expired-text = Die Frist endete am { $date }. Online können Sie sich nicht mehr äußern. Sie können sich weiterhin schriftlich an die Bußgeldstelle wenden; geben Sie dabei bitte das Aktenzeichen an.
hearing-logout = Abmelden
hearing-logged-out = Sie sind abgemeldet.

hearing-case-title = Anhörung zum Aktenzeichen { $number }
hearing-deadline = Sie können sich bis zum { $date } äußern.
hearing-accusation = Der Vorwurf
hearing-offence = Tatvorwurf
hearing-offence-note = Der Vorwurf steht hier im Wortlaut der Behörde.
hearing-offence-code = Tatbestandsnummer
hearing-when = Tatzeit
hearing-when-value = { $date }, { $time } Uhr
hearing-place = Tatort
hearing-plate = Kennzeichen
hearing-vehicle = Fahrzeug
hearing-legal-basis = Rechtsgrundlage
hearing-sanction-warning_fine = Verwarnungsgeld
hearing-sanction-fine = Voraussichtliches Bußgeld
hearing-evidence = Beweisfotos
hearing-evidence-alt = Beweisfoto { $n } von { $count }
hearing-evidence-none = Zu diesem Vorgang gibt es keine Fotos.
hearing-evidence-open = Foto { $n } in voller Größe öffnen

hearing-rights-title = Ihre Rechte
hearing-rights = Es steht Ihnen frei, sich zu der Beschuldigung zu äußern oder nicht zur Sache auszusagen (§ 55 des Gesetzes über Ordnungswidrigkeiten, OWiG). Sie können jederzeit, auch schon vor Ihrer Äußerung, eine Verteidigerin oder einen Verteidiger befragen. Angaben zu Ihrer Person müssen richtig sein.
hearing-rights-original = Rechtlich verbindlich ist der deutsche Wortlaut:
hearing-courtesy = Unverbindliche Übersetzung

hearing-answer-title = Ihre Äußerung
hearing-kind-legend = Was möchten Sie tun?
hearing-kind-admit = Ich gebe den Verstoß zu.
hearing-kind-admit-hint = Ein Verwarnungsgeld können Sie danach gleich hier bezahlen.
hearing-kind-contest = Ich bestreite den Vorwurf.
hearing-kind-driver = Ich bin nicht gefahren und benenne die Person, die gefahren ist.
hearing-statement = Ihre Stellungnahme
hearing-statement-hint = Wenn Sie den Vorwurf bestreiten: Schildern Sie, was aus Ihrer Sicht geschehen ist. Sonst ist sie freiwillig.
hearing-driver-legend = Die Person, die gefahren ist
hearing-driver-name = Vor- und Nachname
hearing-street = Straße und Hausnummer
hearing-postcode = Postleitzahl
hearing-city = Ort
hearing-country = Land (Ländercode, z. B. DE)
hearing-born-on = Geburtsdatum
hearing-correct-address = Meine Anschrift auf dem Anhörungsbogen ist falsch.
hearing-own-address-legend = Ihre richtige Anschrift
hearing-submit = Äußerung absenden
hearing-amend = Äußerung ändern
hearing-submitted = Ihre Äußerung ist am { $date } um { $time } Uhr eingegangen.
hearing-amend-note = Bis zum Ablauf der Frist können Sie Ihre Äußerung ändern; es gilt die letzte.
hearing-answer-admit = Verstoß zugegeben
hearing-answer-contest = Vorwurf bestritten
hearing-answer-driver = Fahrende Person benannt
hearing-processed = Die Bußgeldstelle hat Ihre Äußerung übernommen. Online sind keine Änderungen mehr möglich.
hearing-past-deadline = Die Frist ist abgelaufen; Änderungen sind nicht mehr möglich.

hearing-problem-missing = Bitte füllen Sie „{ $field }“ aus.
hearing-problem-too-long = „{ $field }“ ist zu lang.
hearing-problem-invalid = „{ $field }“ hat nicht die richtige Form.
hearing-problem-kind = Bitte wählen Sie, was Sie tun möchten.
hearing-problem-postcode = Eine deutsche Postleitzahl hat fünf Ziffern.
hearing-problem-born-on = Das Geburtsdatum muss in der Vergangenheit liegen, und die Person muss zur Tatzeit mindestens 15 Jahre alt gewesen sein.

hearing-docs-title = Unterlagen
hearing-docs-hint = PDF, JPEG oder PNG, höchstens { $mb } MB je Datei, bis zu { $count } Dateien.
hearing-docs-file = Datei
hearing-docs-add = Unterlage senden
hearing-docs-none = Sie haben noch keine Unterlagen gesendet.
hearing-docs-added = „{ $name }“ ist eingegangen.
hearing-docs-too-large = Die Datei ist zu groß (höchstens { $mb } MB).
hearing-docs-type = Nur PDF, JPEG und PNG werden angenommen.
hearing-docs-too-many = Sie haben schon so viele Unterlagen gesendet, wie möglich sind.
hearing-receipt = Eingangsbestätigung herunterladen (PDF)

hearing-pay = Verwarnungsgeld jetzt bezahlen
hearing-paid = Das Verwarnungsgeld ist bezahlt. Damit ist die Sache erledigt.

## The hearing's PDFs (letter, receipt)

hearing-letter-title = Anhörung im Bußgeldverfahren
hearing-letter-intro = Ihnen wird die folgende Ordnungswidrigkeit vorgeworfen. Sie können sich bis zum { $date } dazu äußern, am einfachsten online.
hearing-letter-how = Öffnen Sie { $url } und geben Sie Aktenzeichen und Zugangscode ein, oder scannen Sie den QR-Code.
hearing-letter-keep = Bewahren Sie dieses Schreiben auf: Der Zugangscode steht nur hier.
hearing-receipt-title = Eingangsbestätigung zur Online-Anhörung
hearing-receipt-intro = Ihre Äußerung zum Aktenzeichen { $number } ist bei der Bußgeldstelle eingegangen.
hearing-receipt-received = Eingegangen
hearing-receipt-documents = Gesendete Unterlagen
hearing-receipt-answer = Äußerung

## The office's pages

hearing-admin-title = Online-Anhörungen
hearing-admin-filter = Anzeigen
hearing-admin-filter-all = Alle
hearing-admin-filter-new = Neu beantwortet
hearing-admin-filter-contested = Bestritten
hearing-admin-filter-driver = Fahrende Person benannt
hearing-admin-filter-paid = Bezahlt
hearing-admin-filter-unanswered = Ohne Antwort
hearing-admin-filter-processed = Übernommen
hearing-admin-col-state = Stand
hearing-admin-col-answer = Äußerung
hearing-admin-col-received = Eingegangen
hearing-admin-col-deadline = Frist
hearing-admin-col-sanction = Sanktion
hearing-admin-none = Keine Fälle.
hearing-state-new = Ohne Antwort
hearing-state-answered = Beantwortet
hearing-state-processed = Übernommen
hearing-admin-amended = geändert
hearing-admin-import = Fälle importieren
hearing-admin-import-file = Datei (JSON Lines oder CSV)
hearing-admin-import-photos = Beweisfotos (JPEG oder PNG)
hearing-admin-import-submit = Importieren
hearing-admin-import-done = Import: { $new } neu, { $updated } geändert, { $unchanged } unverändert.
hearing-admin-import-refused = Nichts wurde importiert. Bitte korrigieren Sie die Datei und senden Sie sie erneut:
hearing-import-line = Zeile { $line }: { $problem }
hearing-import-problem-syntax = kein gültiger Datensatz ({ $detail })
hearing-import-problem-missing = Feld { $detail } fehlt
hearing-import-problem-invalid = Feld { $detail } ist ungültig
hearing-import-problem-warning-fine-range = ein Verwarnungsgeld beträgt 5 bis 55 Euro
hearing-import-problem-deadline-before-offence = die Frist liegt vor der Tat
hearing-import-problem-duplicate = dasselbe Aktenzeichen steht schon in Zeile { $detail }
hearing-import-problem-evidence-missing = das Foto { $detail } fehlt
hearing-import-problem-evidence-not-image = { $detail } ist kein JPEG oder PNG
hearing-import-problem-already-answered = der Fall ist schon beantwortet und kann nicht mehr geändert werden
hearing-import-problem-missing-column = die Spalte { $detail } fehlt
hearing-admin-letters = Anhörungsbögen drucken ({ $count } ohne Anhörungsbogen)
hearing-admin-letter-one = Anhörungsbogen neu ausstellen (der bisherige Zugangscode wird ungültig)
hearing-admin-export-zip = Antworten exportieren (ZIP: JSON, CSV, PDF)
hearing-admin-export-json = Antworten exportieren (JSON)
hearing-admin-export-csv = Antworten exportieren (CSV)
hearing-admin-mark-processed = Als übernommen markieren
hearing-admin-processed-done = { $count ->
    [one] Ein Fall ist als übernommen markiert.
   *[other] { $count } Fälle sind als übernommen markiert.
}
hearing-admin-sources = Importierende Systeme
hearing-admin-source-name = Name des Systems
hearing-admin-source-add = System hinzufügen
hearing-admin-source-token = Token für { $name } (wird nur jetzt angezeigt):
hearing-admin-case = Fall { $number }
hearing-admin-audit = Protokoll
hearing-admin-uploads = Unterlagen der Bürgerin oder des Bürgers
hearing-admin-erased = Die personenbezogenen Daten dieses Falls sind gelöscht.
