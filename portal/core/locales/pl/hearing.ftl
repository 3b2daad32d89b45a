## Online hearing for administrative offences: the citizen's pages

hearing-login-title = Wysłuchanie online w postępowaniu w sprawie wykroczenia
hearing-login-intro = Korzystając z danych dostępowych podanych w piśmie w sprawie wysłuchania, mogą Państwo tutaj zapoznać się z zarzutem i zdjęciami dowodowymi, ustosunkować się do zarzutu, wskazać osobę, która kierowała pojazdem, oraz przesłać dokumenty.
hearing-case-number = Sygnatura akt
hearing-case-number-hint = Znajduje się w górnej części pisma w sprawie wysłuchania, np. OWI-2026-004711.
hearing-code = Kod dostępu
hearing-code-hint = 20 znaków w pięciu grupach po cztery, tak jak wydrukowano w piśmie w sprawie wysłuchania. Wielkość liter nie ma znaczenia.
hearing-login-submit = Zaloguj się
hearing-qr-hint = Mogą Państwo również zeskanować kod QR z pisma w sprawie wysłuchania aparatem smartfona: zostaną Państwo wtedy od razu zalogowani.
hearing-error-summary = Wystąpił problem
hearing-error-typo = Kod dostępu zawiera literówkę. Prosimy porównać go znak po znaku z pismem w sprawie wysłuchania.
hearing-error-refused = Sygnatura akt lub kod dostępu są nieprawidłowe. Prosimy sprawdzić obie dane w piśmie w sprawie wysłuchania.
hearing-error-throttled = Zbyt wiele prób. Prosimy odczekać { $minutes ->
    [one] minutę
    [few] { $minutes } minuty
    [many] { $minutes } minut
   *[other] { $minutes } minuty
} i spróbować ponownie.
hearing-session-expired = Sesja wygasła. Prosimy zalogować się ponownie.
hearing-expired-title = Termin na wysłuchanie online upłynął
hearing-expired-text = Termin upłynął { $date }. Nie mogą już Państwo udzielić odpowiedzi online. Nadal mogą Państwo zwrócić się pisemnie do biura ds. grzywien; prosimy wówczas podać sygnaturę akt.
hearing-logout = Wyloguj się
hearing-logged-out = Zostali Państwo wylogowani.

hearing-case-title = Wysłuchanie w sprawie o sygnaturze { $number }
hearing-deadline = Odpowiedzi mogą Państwo udzielić do { $date }.
hearing-accusation = Zarzut
hearing-offence = Zarzucany czyn
hearing-offence-note = Zarzut przytoczono tu dosłownie w brzmieniu nadanym przez urząd.
hearing-offence-code = Numer czynu w katalogu wykroczeń
hearing-when = Czas popełnienia czynu
hearing-when-value = { $date }, godz. { $time }
hearing-place = Miejsce popełnienia czynu
hearing-plate = Numer rejestracyjny
hearing-vehicle = Pojazd
hearing-legal-basis = Podstawa prawna
hearing-sanction-warning_fine = Mandat ostrzegawczy
hearing-sanction-fine = Przewidywana grzywna
hearing-evidence = Zdjęcia dowodowe
hearing-evidence-alt = Zdjęcie dowodowe { $n } z { $count }
hearing-evidence-none = W tej sprawie nie ma zdjęć.
hearing-evidence-open = Otwórz zdjęcie { $n } w pełnym rozmiarze

hearing-rights-title = Państwa prawa
hearing-rights = Mogą Państwo według własnego uznania ustosunkować się do zarzutu albo odmówić składania wyjaśnień co do istoty sprawy (§ 55 ustawy o wykroczeniach porządkowych, OWiG). W każdej chwili, także przed złożeniem wyjaśnień, mogą Państwo zasięgnąć porady obrońcy. Dane dotyczące Państwa osoby muszą być zgodne z prawdą.
hearing-rights-original = Wiążące prawnie jest brzmienie w języku niemieckim:
hearing-courtesy = Tłumaczenie pomocnicze (niewiążące prawnie)

hearing-answer-title = Państwa odpowiedź
hearing-kind-legend = Co chcą Państwo zrobić?
hearing-kind-admit = Przyznaję się do wykroczenia.
hearing-kind-admit-hint = Mandat ostrzegawczy mogą Państwo następnie zapłacić od razu tutaj.
hearing-kind-contest = Kwestionuję zarzut.
hearing-kind-driver = Pojazdem kierowała inna osoba; wskazuję tę osobę.
hearing-statement = Państwa wyjaśnienia
hearing-statement-hint = Jeśli kwestionują Państwo zarzut, prosimy opisać, co się wydarzyło z Państwa punktu widzenia. W pozostałych przypadkach wyjaśnienia są dobrowolne.
hearing-driver-legend = Osoba, która kierowała pojazdem
hearing-driver-name = Imię i nazwisko
hearing-street = Ulica i numer domu
hearing-postcode = Kod pocztowy
hearing-city = Miejscowość
hearing-country = Kraj (kod kraju, np. DE)
hearing-born-on = Data urodzenia
hearing-correct-address = Mój adres podany w piśmie w sprawie wysłuchania jest błędny.
hearing-own-address-legend = Państwa prawidłowy adres
hearing-submit = Wyślij odpowiedź
hearing-amend = Zmień odpowiedź
hearing-submitted = Państwa odpowiedź wpłynęła { $date } o godz. { $time }.
hearing-amend-note = Do upływu terminu mogą Państwo zmienić swoją odpowiedź; obowiązuje ostatnia wersja.
hearing-answer-admit = Przyznanie się do wykroczenia
hearing-answer-contest = Zakwestionowanie zarzutu
hearing-answer-driver = Wskazanie osoby kierującej pojazdem
hearing-processed = Biuro ds. grzywien przejęło Państwa odpowiedź. Zmiany online nie są już możliwe.
hearing-past-deadline = Termin upłynął; zmiany nie są już możliwe.

hearing-problem-missing = Prosimy wypełnić pole „{ $field }”.
hearing-problem-too-long = Pole „{ $field }” jest zbyt długie.
hearing-problem-invalid = Pole „{ $field }” ma nieprawidłowy format.
hearing-problem-kind = Prosimy wybrać, co chcą Państwo zrobić.
hearing-problem-postcode = Niemiecki kod pocztowy składa się z pięciu cyfr.
hearing-problem-born-on = Data urodzenia musi przypadać w przeszłości, a osoba ta musiała mieć w chwili popełnienia czynu co najmniej 15 lat.

hearing-docs-title = Dokumenty
hearing-docs-hint = PDF, JPEG lub PNG, maksymalnie { $mb } MB na plik, maksymalna liczba plików: { $count }.
hearing-docs-file = Plik
hearing-docs-add = Wyślij dokument
hearing-docs-none = Nie przesłali Państwo jeszcze żadnych dokumentów.
hearing-docs-added = Plik „{ $name }” wpłynął.
hearing-docs-too-large = Plik jest zbyt duży (maksymalnie { $mb } MB).
hearing-docs-type = Przyjmowane są wyłącznie pliki PDF, JPEG i PNG.
hearing-docs-too-many = Przesłali Państwo już maksymalną liczbę dokumentów.
hearing-receipt = Pobierz potwierdzenie wpływu (PDF)

hearing-pay = Zapłać mandat ostrzegawczy teraz
hearing-paid = Mandat ostrzegawczy został zapłacony. Tym samym sprawa jest zakończona.

## The hearing's PDFs (letter, receipt)

hearing-letter-title = Wysłuchanie w postępowaniu w sprawie wykroczenia
hearing-letter-intro = Zarzuca się Państwu popełnienie następującego wykroczenia. Mogą Państwo ustosunkować się do zarzutu do { $date }, najprościej online.
hearing-letter-how = Prosimy otworzyć stronę { $url } i wpisać sygnaturę akt oraz kod dostępu albo zeskanować kod QR.
hearing-letter-keep = Prosimy zachować to pismo: kod dostępu znajduje się wyłącznie tutaj.
hearing-receipt-title = Potwierdzenie wpływu odpowiedzi w wysłuchaniu online
hearing-receipt-intro = Państwa odpowiedź w sprawie o sygnaturze { $number } wpłynęła do biura ds. grzywien.
hearing-receipt-received = Data wpływu
hearing-receipt-documents = Przesłane dokumenty
hearing-receipt-answer = Odpowiedź

## The office's pages

hearing-admin-title = Wysłuchania online
hearing-admin-filter = Pokaż
hearing-admin-filter-all = Wszystkie
hearing-admin-filter-new = Nowe odpowiedzi
hearing-admin-filter-contested = Zakwestionowane
hearing-admin-filter-driver = Wskazano osobę kierującą
hearing-admin-filter-paid = Zapłacone
hearing-admin-filter-unanswered = Bez odpowiedzi
hearing-admin-filter-processed = Przejęte
hearing-admin-col-state = Stan
hearing-admin-col-answer = Odpowiedź
hearing-admin-col-received = Data wpływu
hearing-admin-col-deadline = Termin
hearing-admin-col-sanction = Sankcja
hearing-admin-none = Brak spraw.
hearing-state-new = Bez odpowiedzi
hearing-state-answered = Z odpowiedzią
hearing-state-processed = Przejęta
hearing-admin-amended = zmieniona
hearing-admin-import = Importuj sprawy
hearing-admin-import-file = Plik (JSON Lines lub CSV)
hearing-admin-import-photos = Zdjęcia dowodowe (JPEG lub PNG)
hearing-admin-import-submit = Importuj
hearing-admin-import-done = Import: nowe: { $new }, zmienione: { $updated }, bez zmian: { $unchanged }.
hearing-admin-import-refused = Niczego nie zaimportowano. Prosimy poprawić plik i przesłać go ponownie:
hearing-import-line = Wiersz { $line }: { $problem }
hearing-import-problem-syntax = nieprawidłowy rekord ({ $detail })
hearing-import-problem-missing = brak pola { $detail }
hearing-import-problem-invalid = pole { $detail } jest nieprawidłowe
hearing-import-problem-warning-fine-range = mandat ostrzegawczy wynosi od 5 do 55 euro
hearing-import-problem-deadline-before-offence = termin przypada przed datą czynu
hearing-import-problem-duplicate = ta sama sygnatura akt występuje już w wierszu { $detail }
hearing-import-problem-evidence-missing = brak zdjęcia { $detail }
hearing-import-problem-evidence-not-image = { $detail } nie jest plikiem JPEG ani PNG
hearing-import-problem-already-answered = w tej sprawie udzielono już odpowiedzi i nie można jej już zmienić
hearing-import-problem-missing-column = brak kolumny { $detail }
hearing-admin-letters = Drukuj pisma w sprawie wysłuchania (bez pisma: { $count })
hearing-admin-letter-one = Wystaw nowe pismo w sprawie wysłuchania (dotychczasowy kod dostępu straci ważność)
hearing-admin-export-zip = Eksportuj odpowiedzi (ZIP: JSON, CSV, PDF)
hearing-admin-export-json = Eksportuj odpowiedzi (JSON)
hearing-admin-export-csv = Eksportuj odpowiedzi (CSV)
hearing-admin-mark-processed = Oznacz jako przejęte
hearing-admin-processed-done = { $count ->
    [one] Oznaczono jedną sprawę jako przejętą.
    [few] Oznaczono { $count } sprawy jako przejęte.
    [many] Oznaczono { $count } spraw jako przejęte.
   *[other] Oznaczono { $count } sprawy jako przejęte.
}
hearing-admin-sources = Systemy importujące
hearing-admin-source-name = Nazwa systemu
hearing-admin-source-add = Dodaj system
hearing-admin-source-token = Token dla systemu { $name } (wyświetlany tylko teraz):
hearing-admin-case = Sprawa { $number }
hearing-admin-audit = Dziennik zdarzeń
hearing-admin-uploads = Dokumenty przesłane przez mieszkankę lub mieszkańca
hearing-admin-erased = Dane osobowe w tej sprawie zostały usunięte.
