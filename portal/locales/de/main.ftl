site-name = Virtuelles Bürgeramt
skip-to-content = Zum Inhalt springen
language = Sprache
footer-text = Ein Angebot Ihrer Stadtverwaltung. Keine Anmeldung, keine Software nötig.
back-home = Zur Startseite

weekday-mon = Montag
weekday-tue = Dienstag
weekday-wed = Mittwoch
weekday-thu = Donnerstag
weekday-fri = Freitag
weekday-sat = Samstag
weekday-sun = Sonntag

index-title = Termin im virtuellen Bürgeramt buchen
index-intro = Erledigen Sie Ihr Anliegen per Videoanruf von zu Hause: Sie brauchen nur ein Gerät mit Kamera, Mikrofon und Internetzugang. Wählen Sie Ihr Anliegen.
service-duration = { $minutes } Minuten
service-fee-free = gebührenfrei
service-fee = Gebühr: { $amount } €
choose-service = Termin wählen

service-wohnsitzummeldung = Wohnsitzummeldung
service-wohnsitzummeldung-desc = Umzug innerhalb der Stadt oder Zuzug aus Deutschland. Halten Sie Ihren Personalausweis und die Wohnungsgeberbestätigung bereit.
service-meldebescheinigung = Meldebescheinigung
service-meldebescheinigung-desc = Bescheinigung Ihrer aktuellen Anschrift. Halten Sie Ihren Personalausweis bereit.
service-fuehrungszeugnis = Führungszeugnis
service-fuehrungszeugnis-desc = Antrag auf ein Führungszeugnis beim Bundesamt für Justiz. Halten Sie Ihren Personalausweis bereit.
service-lebensbescheinigung = Lebensbescheinigung
service-lebensbescheinigung-desc = Bestätigung für Renten- oder Versorgungsstellen. Halten Sie Ihren Personalausweis und das Formular bereit.

book-title = Termin buchen: { $service }
book-choose-slot = Wählen Sie einen freien Termin
book-no-slots = Zurzeit sind keine Termine frei. Bitte schauen Sie später wieder vorbei.
book-your-details = Ihre Angaben
book-name = Vor- und Nachname
book-email = E-Mail-Adresse
book-email-hint = An diese Adresse senden wir die Bestätigung mit dem Link zum Videoanruf.
book-submit = Verbindlich buchen
book-privacy = Wir speichern Ihre Angaben nur für diesen Termin und löschen sie danach.
book-time = { $time } Uhr

error-summary = Bitte korrigieren Sie Folgendes:
error-name = Bitte geben Sie Ihren Namen an (höchstens 100 Zeichen).
error-email = Bitte geben Sie eine gültige E-Mail-Adresse an.
error-choose-slot = Bitte wählen Sie einen Termin.
error-slot-taken = Dieser Termin wurde gerade vergeben. Bitte wählen Sie einen anderen.
error-no-such-slot = Dieser Termin wird nicht angeboten. Bitte wählen Sie einen aus der Liste.

booked-title = Ihr Termin ist gebucht
booked-text = { $service }: { $date } um { $time } Uhr.
booked-mail-sent = Wir haben Ihnen eine E-Mail mit dem Link zum Videoanruf geschickt. Öffnen Sie den Link kurz vor dem Termin.

mail-subject = Ihr Termin im virtuellen Bürgeramt: { $service } am { $date }
mail-greeting = Guten Tag { $name },
mail-body = Ihr Termin „{ $service }“ ist am { $date } um { $time } Uhr gebucht.
mail-join = Zum Videoanruf gelangen Sie über diesen Link (bitte nicht weitergeben):
mail-documents = Bitte halten Sie bereit:
mail-footer = Sie brauchen keine Software und kein Benutzerkonto – nur einen aktuellen Browser mit Kamera und Mikrofon.

call-title = Videoanruf
call-intro = Bitte erlauben Sie den Zugriff auf Kamera und Mikrofon.
call-you = Ihr Bild
call-remote = Gesprächspartner
call-quality-own-poor = Ihre Verbindung ist schwach: Ihre Stimme kann aussetzen. Gehen Sie näher an das WLAN oder beenden Sie andere Downloads.
call-quality-other-poor = schwache Verbindung, die Sprache kann aussetzen.
call-status-starting = Kamera und Mikrofon werden gestartet …
call-status-connecting = Verbindung wird aufgebaut …
call-status-waiting = Verbunden. Bitte warten Sie, bis Ihr Gesprächspartner dazukommt.
call-status-connected = Sie sind im Gespräch.
call-status-left = Sie haben das Gespräch verlassen.
call-status-other-left = Ihr Gesprächspartner hat das Gespräch verlassen.
call-status-error = Die Verbindung ist fehlgeschlagen. Bitte laden Sie die Seite neu.
call-status-camera-denied = Ohne Zugriff auf Kamera und Mikrofon ist kein Videoanruf möglich. Bitte erlauben Sie den Zugriff und laden Sie die Seite neu.
call-status-reconnecting = Verbindung unterbrochen: wird wiederhergestellt … Das Gespräch läuft weiter.
call-status-other-reconnecting = Die Verbindung Ihres Gesprächspartners wurde unterbrochen; sie wird wiederhergestellt.
call-status-server-closed = Der Server wird neu gestartet. Bitte laden Sie die Seite in einer Minute neu.
call-mute = Mikrofon aus
call-unmute = Mikrofon an
call-camera-off = Kamera aus
call-camera-on = Kamera an
call-leave = Gespräch beenden

chat-title = Chat
chat-label = Nachricht schreiben
chat-send = Senden
chat-you = Sie
chat-delivered = zugestellt
chat-alone = noch niemand sonst im Gespräch

clerk-login-title = Anmeldung für Sachbearbeitung
clerk-username = Benutzername
clerk-password = Passwort
clerk-login-submit = Anmelden
clerk-login-failed = Benutzername oder Passwort ist falsch.
clerk-console-title = Termine ab heute
clerk-signed-in = Angemeldet als { $name }
clerk-no-bookings = Ab heute sind keine Termine gebucht.
clerk-date = Datum
clerk-time = Uhrzeit
clerk-service = Anliegen
clerk-citizen = Bürger/in
clerk-action = Aktion
clerk-join = Gespräch öffnen
clerk-logout = Abmelden

error-title = Das hat nicht geklappt
error-not-found = Diese Seite gibt es nicht.
error-link-invalid = Dieser Link ist ungültig oder der Termin wurde abgesagt.
error-internal = Ein interner Fehler ist aufgetreten. Bitte versuchen Sie es später erneut.
error-login-required = Bitte melden Sie sich an.
