## Online hearing for administrative offences: the citizen's pages

hearing-login-title = Онлайн изслушване по административно нарушение
hearing-login-intro = С данните за достъп от писмото за изслушване можете да видите тук обвинението и снимките-доказателства, да отговорите по него, да посочите лицето, управлявало превозното средство, и да изпратите документи.
hearing-case-number = Номер на преписката
hearing-case-number-hint = Посочен е в горната част на писмото за изслушване, напр. OWI-2026-004711.
hearing-code = Код за достъп
hearing-code-hint = 20 знака в пет групи по четири, както са отпечатани в писмото за изслушване. Главните и малките букви нямат значение.
hearing-login-submit = Вход
hearing-qr-hint = Можете също да сканирате QR кода от писмото за изслушване с камерата на смартфона си – тогава ще влезете веднага.
hearing-error-summary = Има проблем
hearing-error-typo = Кодът за достъп съдържа печатна грешка. Моля, сравнете го знак по знак с писмото за изслушване.
hearing-error-refused = Номерът на преписката или кодът за достъп не е верен. Моля, проверете и двете данни в писмото за изслушване.
hearing-error-throttled = Твърде много опити. Моля, изчакайте { $minutes ->
    [one] една минута
   *[other] { $minutes } минути
} и опитайте отново.
hearing-session-expired = Сесията Ви е изтекла. Моля, влезте отново.
hearing-expired-title = Срокът за онлайн изслушването е изтекъл
hearing-expired-text = Срокът изтече на { $date }. Вече не можете да отговорите онлайн. Все още можете да се обърнете писмено към отдела за глоби; моля, посочете номера на преписката.
hearing-logout = Изход
hearing-logged-out = Излязохте от системата.

hearing-case-title = Изслушване по преписка { $number }
hearing-deadline = Можете да отговорите в срок до { $date }.
hearing-accusation = Обвинението
hearing-offence = Нарушение
hearing-offence-note = Обвинението е цитирано дословно, с формулировката на органа.
hearing-offence-code = Номер на състава на нарушението
hearing-when = Време на нарушението
hearing-when-value = { $date }, { $time } ч.
hearing-place = Място на нарушението
hearing-plate = Регистрационен номер
hearing-vehicle = Превозно средство
hearing-legal-basis = Правно основание
hearing-sanction-warning_fine = Предупредителна глоба
hearing-sanction-fine = Очаквана глоба
hearing-evidence = Снимки-доказателства
hearing-evidence-alt = Снимка-доказателство { $n } от { $count }
hearing-evidence-none = По тази преписка няма снимки.
hearing-evidence-open = Отваряне на снимка { $n } в пълен размер

hearing-rights-title = Вашите права
hearing-rights = Имате право да се изкажете по обвинението или да не давате обяснения по същество (§ 55 от Закона за административните нарушения, OWiG). Можете по всяко време, включително преди да се изкажете, да се консултирате със защитник. Данните за Вашата личност трябва да са верни.
hearing-rights-original = Правно обвързващ е текстът на немски език:
hearing-courtesy = Превод за информация (без правна сила)

hearing-answer-title = Вашият отговор
hearing-kind-legend = Какво искате да направите?
hearing-kind-admit = Признавам нарушението.
hearing-kind-admit-hint = След това можете да платите предупредителната глоба веднага тук.
hearing-kind-contest = Оспорвам обвинението.
hearing-kind-driver = Превозното средство не е било управлявано от мен и посочвам лицето, което го е управлявало.
hearing-statement = Вашето становище
hearing-statement-hint = Ако оспорвате обвинението, опишите какво се е случило според Вас. В останалите случаи становището не е задължително.
hearing-driver-legend = Лицето, управлявало превозното средство
hearing-driver-name = Име и фамилия
hearing-street = Улица и номер
hearing-postcode = Пощенски код
hearing-city = Населено място
hearing-country = Държава (код на държавата, напр. DE)
hearing-born-on = Дата на раждане
hearing-correct-address = Адресът ми в писмото за изслушване е грешен.
hearing-own-address-legend = Вашият правилен адрес
hearing-submit = Изпращане на отговора
hearing-amend = Промяна на отговора
hearing-submitted = Отговорът Ви е получен на { $date } в { $time } ч.
hearing-amend-note = До изтичането на срока можете да промените отговора си; важи последният.
hearing-answer-admit = Нарушението е признато
hearing-answer-contest = Обвинението е оспорено
hearing-answer-driver = Посочен е водачът
hearing-processed = Отделът за глоби е приел отговора Ви за обработка. Вече не може да бъде променян онлайн.
hearing-past-deadline = Срокът е изтекъл; промени вече не са възможни.

hearing-problem-missing = Моля, попълнете „{ $field }“.
hearing-problem-too-long = Текстът в полето „{ $field }“ е твърде дълъг.
hearing-problem-invalid = Полето „{ $field }“ не е попълнено в правилния формат.
hearing-problem-kind = Моля, изберете какво искате да направите.
hearing-problem-postcode = Германският пощенски код се състои от пет цифри.
hearing-problem-born-on = Датата на раждане трябва да е в миналото, а към момента на нарушението лицето трябва да е навършило поне 15 години.

hearing-docs-title = Документи
hearing-docs-hint = PDF, JPEG или PNG, най-много { $mb } MB на файл; максимален брой файлове: { $count }.
hearing-docs-file = Файл
hearing-docs-add = Изпращане на документа
hearing-docs-none = Все още не сте изпратили документи.
hearing-docs-added = Файлът „{ $name }“ е получен.
hearing-docs-too-large = Файлът е твърде голям (най-много { $mb } MB).
hearing-docs-type = Приемат се само PDF, JPEG и PNG.
hearing-docs-too-many = Вече сте изпратили максимално допустимия брой документи.
hearing-receipt = Изтегляне на потвърждението за получаване (PDF)

hearing-pay = Платете предупредителната глоба сега
hearing-paid = Предупредителната глоба е платена. С това въпросът е приключен.

## The hearing's PDFs (letter, receipt)

hearing-letter-title = Изслушване по административно нарушение
hearing-letter-intro = Вменява Ви се следното административно нарушение. Можете да отговорите в срок до { $date }, най-лесно онлайн.
hearing-letter-how = Отворете { $url } и въведете номера на преписката и кода за достъп или сканирайте QR кода.
hearing-letter-keep = Запазете това писмо: кодът за достъп е посочен само тук.
hearing-receipt-title = Потвърждение за получаване при онлайн изслушването
hearing-receipt-intro = Отговорът Ви по преписка { $number } е получен от отдела за глоби.
hearing-receipt-received = Получено
hearing-receipt-documents = Изпратени документи
hearing-receipt-answer = Отговор

## The office's pages

hearing-admin-title = Онлайн изслушвания
hearing-admin-filter = Показване
hearing-admin-filter-all = Всички
hearing-admin-filter-new = Нови отговори
hearing-admin-filter-contested = Оспорени
hearing-admin-filter-driver = Посочен водач
hearing-admin-filter-paid = Платени
hearing-admin-filter-unanswered = Без отговор
hearing-admin-filter-processed = Приети за обработка
hearing-admin-col-state = Статус
hearing-admin-col-answer = Отговор
hearing-admin-col-received = Получено
hearing-admin-col-deadline = Срок
hearing-admin-col-sanction = Санкция
hearing-admin-none = Няма преписки.
hearing-state-new = Без отговор
hearing-state-answered = С отговор
hearing-state-processed = Приета за обработка
hearing-admin-amended = променен
hearing-admin-import = Импортиране на преписки
hearing-admin-import-file = Файл (JSON Lines или CSV)
hearing-admin-import-photos = Снимки-доказателства (JPEG или PNG)
hearing-admin-import-submit = Импортиране
hearing-admin-import-done = Импорт: нови – { $new }, променени – { $updated }, непроменени – { $unchanged }.
hearing-admin-import-refused = Нищо не е импортирано. Моля, коригирайте файла и го изпратете отново:
hearing-import-line = Ред { $line }: { $problem }
hearing-import-problem-syntax = невалиден запис ({ $detail })
hearing-import-problem-missing = липсва полето { $detail }
hearing-import-problem-invalid = полето { $detail } е невалидно
hearing-import-problem-warning-fine-range = предупредителната глоба е от 5 до 55 евро
hearing-import-problem-deadline-before-offence = срокът е преди датата на нарушението
hearing-import-problem-duplicate = същият номер на преписка вече е на ред { $detail }
hearing-import-problem-evidence-missing = липсва снимката { $detail }
hearing-import-problem-evidence-not-image = { $detail } не е JPEG или PNG
hearing-import-problem-already-answered = по преписката вече има отговор и тя не може повече да се променя
hearing-import-problem-missing-column = липсва колоната { $detail }
hearing-admin-letters = Отпечатване на писмата за изслушване (преписки без писмо: { $count })
hearing-admin-letter-one = Издаване на ново писмо за изслушване (досегашният код за достъп става невалиден)
hearing-admin-export-zip = Експортиране на отговорите (ZIP: JSON, CSV, PDF)
hearing-admin-export-json = Експортиране на отговорите (JSON)
hearing-admin-export-csv = Експортиране на отговорите (CSV)
hearing-admin-mark-processed = Отбелязване като приети за обработка
hearing-admin-processed-done = { $count ->
    [one] Една преписка е отбелязана като приета за обработка.
   *[other] { $count } преписки са отбелязани като приети за обработка.
}
hearing-admin-sources = Импортиращи системи
hearing-admin-source-name = Име на системата
hearing-admin-source-add = Добавяне на система
hearing-admin-source-token = Токен за { $name } (показва се само сега):
hearing-admin-case = Преписка { $number }
hearing-admin-audit = Журнал
hearing-admin-uploads = Документи от гражданина
hearing-admin-erased = Личните данни по тази преписка са изтрити.
