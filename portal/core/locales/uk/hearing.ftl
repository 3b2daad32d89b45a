## Online hearing for administrative offences: the citizen's pages

hearing-login-title = Онлайн-заслуховування у справі про адміністративне правопорушення
hearing-login-intro = За допомогою даних доступу з Вашого листа про заслуховування (Anhörungsbogen) Ви можете тут переглянути обвинувачення та фотодокази, висловити свою позицію, назвати особу, яка керувала транспортним засобом, і надіслати документи.
hearing-case-number = Номер справи
hearing-case-number-hint = Зазначений угорі листа про заслуховування, напр. OWI-2026-004711.
hearing-code = Код доступу
hearing-code-hint = 20 символів у п’яти групах по чотири, як надруковано в листі про заслуховування. Великі чи малі літери — значення не має.
hearing-login-submit = Увійти
hearing-qr-hint = Ви також можете відсканувати QR-код у листі про заслуховування камерою свого смартфона: тоді Ви одразу ввійдете.
hearing-error-summary = Виникла проблема
hearing-error-typo = У коді доступу є помилка. Будь ласка, порівняйте його символ за символом із листом про заслуховування.
hearing-error-refused = Номер справи або код доступу неправильний. Будь ласка, перевірте обидва дані в листі про заслуховування.
hearing-error-throttled = Забагато спроб. Будь ласка, зачекайте { $minutes ->
    [one] { $minutes } хвилину
    [few] { $minutes } хвилини
    [many] { $minutes } хвилин
   *[other] { $minutes } хвилини
} і спробуйте ще раз.
hearing-session-expired = Ваш сеанс завершився. Будь ласка, увійдіть ще раз.
hearing-expired-title = Строк для онлайн-заслуховування минув
hearing-expired-text = Строк закінчився { $date }. Надати відповідь онлайн більше неможливо. Ви й надалі можете звернутися до відділу штрафів у письмовій формі; будь ласка, зазначте номер справи.
hearing-logout = Вийти
hearing-logged-out = Ви вийшли із системи.

hearing-case-title = Заслуховування у справі { $number }
hearing-deadline = Ви можете надати відповідь до { $date } включно.
hearing-accusation = Обвинувачення
hearing-offence = Інкриміноване правопорушення
hearing-offence-note = Обвинувачення наведено дослівно у формулюванні органу влади.
hearing-offence-code = Номер складу правопорушення
hearing-when = Час правопорушення
hearing-when-value = { $date } о { $time }
hearing-place = Місце правопорушення
hearing-plate = Номерний знак
hearing-vehicle = Транспортний засіб
hearing-legal-basis = Правова підстава
hearing-sanction-warning_fine = Попереджувальний штраф
hearing-sanction-fine = Очікуваний штраф
hearing-evidence = Фотодокази
hearing-evidence-alt = Фотодоказ { $n } з { $count }
hearing-evidence-none = У цій справі фотографій немає.
hearing-evidence-open = Відкрити фото { $n } у повному розмірі

hearing-rights-title = Ваші права
hearing-rights = Ви вільні висловитися щодо обвинувачення або не давати жодних пояснень по суті справи (§ 55 Закону про адміністративні правопорушення, OWiG). Ви можете будь-коли, зокрема ще до того, як висловитеся, звернутися по консультацію до захисниці або захисника. Відомості про Вашу особу мають бути правильними.
hearing-rights-original = Юридичну силу має текст німецькою мовою:
hearing-courtesy = Неофіційний переклад (не має юридичної сили)

hearing-answer-title = Ваша відповідь
hearing-kind-legend = Що Ви бажаєте зробити?
hearing-kind-admit = Я визнаю порушення.
hearing-kind-admit-hint = Попереджувальний штраф Ви зможете потім сплатити одразу тут.
hearing-kind-contest = Я заперечую обвинувачення.
hearing-kind-driver = Транспортним засобом керувала інша особа, і я її називаю.
hearing-statement = Ваше пояснення
hearing-statement-hint = Якщо Ви заперечуєте обвинувачення, опишіть, що, на Вашу думку, сталося. В інших випадках пояснення необов’язкове.
hearing-driver-legend = Особа, яка керувала транспортним засобом
hearing-driver-name = Ім’я та прізвище
hearing-street = Вулиця та номер будинку
hearing-postcode = Поштовий індекс
hearing-city = Населений пункт
hearing-country = Країна (код країни, напр. DE)
hearing-born-on = Дата народження
hearing-correct-address = Моя адреса в листі про заслуховування неправильна.
hearing-own-address-legend = Ваша правильна адреса
hearing-submit = Надіслати відповідь
hearing-amend = Змінити відповідь
hearing-submitted = Вашу відповідь отримано { $date } о { $time }.
hearing-amend-note = До закінчення строку Ви можете змінити свою відповідь; чинною є остання.
hearing-answer-admit = Порушення визнано
hearing-answer-contest = Обвинувачення заперечено
hearing-answer-driver = Водія названо
hearing-processed = Відділ штрафів прийняв Вашу відповідь у роботу. Змінити її онлайн уже неможливо.
hearing-past-deadline = Строк минув; зміни вже неможливі.

hearing-problem-missing = Будь ласка, заповніть поле «{ $field }».
hearing-problem-too-long = Поле «{ $field }» задовге.
hearing-problem-invalid = Поле «{ $field }» має неправильний формат.
hearing-problem-kind = Будь ласка, оберіть, що Ви бажаєте зробити.
hearing-problem-postcode = Німецький поштовий індекс складається з п’яти цифр.
hearing-problem-born-on = Дата народження має бути в минулому, а на момент правопорушення особі мало бути щонайменше 15 років.

hearing-docs-title = Документи
hearing-docs-hint = PDF, JPEG або PNG, не більше { $mb } MB на файл, до { $count } файлів.
hearing-docs-file = Файл
hearing-docs-add = Надіслати документ
hearing-docs-none = Ви ще не надіслали жодного документа.
hearing-docs-added = Файл «{ $name }» отримано.
hearing-docs-too-large = Файл завеликий (не більше { $mb } MB).
hearing-docs-type = Приймаються лише PDF, JPEG і PNG.
hearing-docs-too-many = Ви вже надіслали максимально можливу кількість документів.
hearing-receipt = Завантажити підтвердження отримання (PDF)

hearing-pay = Сплатити попереджувальний штраф зараз
hearing-paid = Попереджувальний штраф сплачено. Отже, справу завершено.

## The hearing's PDFs (letter, receipt)

hearing-letter-title = Заслуховування у справі про адміністративне правопорушення
hearing-letter-intro = Вам інкримінується таке адміністративне правопорушення. Ви можете висловити свою позицію щодо нього до { $date } включно — найпростіше онлайн.
hearing-letter-how = Відкрийте { $url } і введіть номер справи та код доступу або відскануйте QR-код.
hearing-letter-keep = Збережіть цей лист: код доступу зазначено лише тут.
hearing-receipt-title = Підтвердження отримання відповіді в онлайн-заслуховуванні
hearing-receipt-intro = Відділ штрафів отримав Вашу відповідь у справі { $number }.
hearing-receipt-received = Отримано
hearing-receipt-documents = Надіслані документи
hearing-receipt-answer = Відповідь

## The office's pages

hearing-admin-title = Онлайн-заслуховування
hearing-admin-filter = Показати
hearing-admin-filter-all = Усі
hearing-admin-filter-new = Нові відповіді
hearing-admin-filter-contested = Заперечено
hearing-admin-filter-driver = Водія названо
hearing-admin-filter-paid = Сплачено
hearing-admin-filter-unanswered = Без відповіді
hearing-admin-filter-processed = Прийнято в роботу
hearing-admin-col-state = Стан
hearing-admin-col-answer = Відповідь
hearing-admin-col-received = Отримано
hearing-admin-col-deadline = Строк
hearing-admin-col-sanction = Санкція
hearing-admin-none = Справ немає.
hearing-state-new = Без відповіді
hearing-state-answered = Відповідь надано
hearing-state-processed = Прийнято в роботу
hearing-admin-amended = змінено
hearing-admin-import = Імпортувати справи
hearing-admin-import-file = Файл (JSON Lines або CSV)
hearing-admin-import-photos = Фотодокази (JPEG або PNG)
hearing-admin-import-submit = Імпортувати
hearing-admin-import-done = Імпорт: нових — { $new }, змінених — { $updated }, без змін — { $unchanged }.
hearing-admin-import-refused = Нічого не імпортовано. Будь ласка, виправте файл і надішліть його ще раз:
hearing-import-line = Рядок { $line }: { $problem }
hearing-import-problem-syntax = недійсний запис ({ $detail })
hearing-import-problem-missing = бракує поля { $detail }
hearing-import-problem-invalid = поле { $detail } недійсне
hearing-import-problem-warning-fine-range = попереджувальний штраф становить від 5 до 55 євро
hearing-import-problem-deadline-before-offence = строк закінчується раніше, ніж дата правопорушення
hearing-import-problem-duplicate = такий самий номер справи вже є в рядку { $detail }
hearing-import-problem-evidence-missing = бракує фото { $detail }
hearing-import-problem-evidence-not-image = { $detail } не є файлом JPEG або PNG
hearing-import-problem-already-answered = у цій справі вже надано відповідь, тому її більше не можна змінити
hearing-import-problem-missing-column = бракує стовпця { $detail }
hearing-admin-letters = Надрукувати листи про заслуховування (без листа: { $count })
hearing-admin-letter-one = Видати новий лист про заслуховування (попередній код доступу стане недійсним)
hearing-admin-export-zip = Експортувати відповіді (ZIP: JSON, CSV, PDF)
hearing-admin-export-json = Експортувати відповіді (JSON)
hearing-admin-export-csv = Експортувати відповіді (CSV)
hearing-admin-mark-processed = Позначити як прийняті в роботу
hearing-admin-processed-done = { $count ->
    [one] { $count } справу позначено як прийняту в роботу.
    [few] { $count } справи позначено як прийняті в роботу.
    [many] { $count } справ позначено як прийняті в роботу.
   *[other] { $count } справи позначено як прийняті в роботу.
}
hearing-admin-sources = Системи імпорту
hearing-admin-source-name = Назва системи
hearing-admin-source-add = Додати систему
hearing-admin-source-token = Токен для { $name } (показується лише зараз):
hearing-admin-case = Справа { $number }
hearing-admin-audit = Журнал
hearing-admin-uploads = Документи громадянина / громадянки
hearing-admin-erased = Персональні дані цієї справи видалено.
