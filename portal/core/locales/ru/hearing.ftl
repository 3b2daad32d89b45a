## Online hearing for administrative offences: the citizen's pages

hearing-login-title = Онлайн-опрос по делу об административном правонарушении
hearing-login-intro = С помощью данных для входа из Вашего опросного листа Вы можете здесь ознакомиться с обвинением и фотодоказательствами, дать по нему ответ, назвать лицо, которое управляло транспортным средством, и отправить документы.
hearing-case-number = Номер дела
hearing-case-number-hint = Указан в верхней части опросного листа, например OWI-2026-004711.
hearing-code = Код доступа
hearing-code-hint = 20 символов в пяти группах по четыре, как напечатано в опросном листе. Регистр букв не имеет значения.
hearing-login-submit = Войти
hearing-qr-hint = Вы также можете отсканировать QR-код в опросном листе камерой смартфона — тогда Вы сразу войдёте в систему.
hearing-error-summary = Возникла проблема
hearing-error-typo = В коде доступа есть опечатка. Пожалуйста, сравните его посимвольно с опросным листом.
hearing-error-refused = Номер дела или код доступа неверны. Пожалуйста, проверьте оба значения по опросному листу.
hearing-error-throttled = Слишком много попыток. Пожалуйста, подождите { $minutes ->
    [one] { $minutes } минуту
    [few] { $minutes } минуты
    [many] { $minutes } минут
   *[other] { $minutes } минуты
} и попробуйте снова.
hearing-session-expired = Ваш сеанс истёк. Пожалуйста, войдите снова.
hearing-expired-title = Срок для ответа онлайн истёк
hearing-expired-text = Срок истёк { $date }. Дать ответ онлайн больше нельзя. Вы по-прежнему можете обратиться в службу по штрафам письменно; пожалуйста, укажите при этом номер дела.
hearing-logout = Выйти
hearing-logged-out = Вы вышли из системы.

hearing-case-title = Опрос по делу { $number }
hearing-deadline = Вы можете дать ответ не позднее { $date }.
hearing-accusation = Обвинение
hearing-offence = Правонарушение
hearing-offence-note = Обвинение приводится дословно, в формулировке ведомства.
hearing-offence-code = Номер состава правонарушения
hearing-when = Время правонарушения
hearing-when-value = { $date }, { $time }
hearing-place = Место правонарушения
hearing-plate = Номерной знак
hearing-vehicle = Транспортное средство
hearing-legal-basis = Правовое основание
hearing-sanction-warning_fine = Предупредительный штраф
hearing-sanction-fine = Ожидаемый штраф
hearing-evidence = Фотодоказательства
hearing-evidence-alt = Фотодоказательство { $n } из { $count }
hearing-evidence-none = По этому делу фотографий нет.
hearing-evidence-open = Открыть фото { $n } в полном размере

hearing-rights-title = Ваши права
hearing-rights = Вы вправе высказаться по поводу предъявленного Вам обвинения или не давать никаких показаний по существу дела (§ 55 Закона об административных правонарушениях, OWiG). Вы можете в любое время, в том числе ещё до того, как дадите ответ, проконсультироваться с защитником. Сведения о Вашей личности должны быть верными.
hearing-rights-original = Юридическую силу имеет текст на немецком языке:
hearing-courtesy = Перевод для справки (не имеет юридической силы)

hearing-answer-title = Ваш ответ
hearing-kind-legend = Что Вы хотите сделать?
hearing-kind-admit = Я признаю нарушение.
hearing-kind-admit-hint = После этого Вы сможете сразу оплатить здесь предупредительный штраф.
hearing-kind-contest = Я оспариваю обвинение.
hearing-kind-driver = Транспортным средством управлял не я, и я называю лицо, которое им управляло.
hearing-statement = Ваши объяснения
hearing-statement-hint = Если Вы оспариваете обвинение, опишите, что, по Вашему мнению, произошло. В остальных случаях объяснения необязательны.
hearing-driver-legend = Лицо, управлявшее транспортным средством
hearing-driver-name = Имя и фамилия
hearing-street = Улица и номер дома
hearing-postcode = Почтовый индекс
hearing-city = Населённый пункт
hearing-country = Страна (код страны, например DE)
hearing-born-on = Дата рождения
hearing-correct-address = Мой адрес в опросном листе указан неверно.
hearing-own-address-legend = Ваш правильный адрес
hearing-submit = Отправить ответ
hearing-amend = Изменить ответ
hearing-submitted = Ваш ответ поступил { $date } в { $time }.
hearing-amend-note = До истечения срока Вы можете изменить свой ответ; действительным считается последний.
hearing-answer-admit = Нарушение признано
hearing-answer-contest = Обвинение оспорено
hearing-answer-driver = Назван водитель
hearing-processed = Служба по штрафам приняла Ваш ответ в работу. Изменить его онлайн больше нельзя.
hearing-past-deadline = Срок истёк; изменения больше невозможны.

hearing-problem-missing = Пожалуйста, заполните поле «{ $field }».
hearing-problem-too-long = Значение в поле «{ $field }» слишком длинное.
hearing-problem-invalid = Поле «{ $field }» заполнено в неправильном формате.
hearing-problem-kind = Пожалуйста, выберите, что Вы хотите сделать.
hearing-problem-postcode = Почтовый индекс в Германии состоит из пяти цифр.
hearing-problem-born-on = Дата рождения должна быть в прошлом, а на момент правонарушения этому лицу должно было исполниться не менее 15 лет.

hearing-docs-title = Документы
hearing-docs-hint = PDF, JPEG или PNG, не более { $mb } MB на файл; максимальное число файлов: { $count }.
hearing-docs-file = Файл
hearing-docs-add = Отправить документ
hearing-docs-none = Вы ещё не отправили ни одного документа.
hearing-docs-added = Файл «{ $name }» получен.
hearing-docs-too-large = Файл слишком большой (не более { $mb } MB).
hearing-docs-type = Принимаются только файлы PDF, JPEG и PNG.
hearing-docs-too-many = Вы уже отправили максимально возможное количество документов.
hearing-receipt = Скачать подтверждение получения (PDF)

hearing-pay = Оплатить предупредительный штраф сейчас
hearing-paid = Предупредительный штраф оплачен. Тем самым дело закрыто.

## The hearing's PDFs (letter, receipt)

hearing-letter-title = Опросный лист по делу об административном правонарушении
hearing-letter-intro = Вам вменяется в вину следующее административное правонарушение. Вы можете дать по нему ответ не позднее { $date }; проще всего это сделать онлайн.
hearing-letter-how = Откройте { $url } и введите номер дела и код доступа или отсканируйте QR-код.
hearing-letter-keep = Сохраните это письмо: код доступа указан только в нём.
hearing-receipt-title = Подтверждение получения ответа в рамках онлайн-опроса
hearing-receipt-intro = Ваш ответ по делу { $number } поступил в службу по штрафам.
hearing-receipt-received = Поступил
hearing-receipt-documents = Отправленные документы
hearing-receipt-answer = Ответ

## The office's pages

hearing-admin-title = Онлайн-опросы
hearing-admin-filter = Показать
hearing-admin-filter-all = Все
hearing-admin-filter-new = Новые ответы
hearing-admin-filter-contested = Оспорено
hearing-admin-filter-driver = Назван водитель
hearing-admin-filter-paid = Оплачено
hearing-admin-filter-unanswered = Без ответа
hearing-admin-filter-processed = Принято в работу
hearing-admin-col-state = Статус
hearing-admin-col-answer = Ответ
hearing-admin-col-received = Поступил
hearing-admin-col-deadline = Срок
hearing-admin-col-sanction = Санкция
hearing-admin-none = Дел нет.
hearing-state-new = Без ответа
hearing-state-answered = Ответ получен
hearing-state-processed = Принято в работу
hearing-admin-amended = изменён
hearing-admin-import = Импорт дел
hearing-admin-import-file = Файл (JSON Lines или CSV)
hearing-admin-import-photos = Фотодоказательства (JPEG или PNG)
hearing-admin-import-submit = Импортировать
hearing-admin-import-done = Импорт: новых — { $new }, изменённых — { $updated }, без изменений — { $unchanged }.
hearing-admin-import-refused = Ничего не импортировано. Пожалуйста, исправьте файл и отправьте его снова:
hearing-import-line = Строка { $line }: { $problem }
hearing-import-problem-syntax = недействительная запись ({ $detail })
hearing-import-problem-missing = отсутствует поле { $detail }
hearing-import-problem-invalid = недопустимое значение в поле { $detail }
hearing-import-problem-warning-fine-range = предупредительный штраф составляет от 5 до 55 евро
hearing-import-problem-deadline-before-offence = срок указан раньше даты правонарушения
hearing-import-problem-duplicate = такой же номер дела уже есть в строке { $detail }
hearing-import-problem-evidence-missing = отсутствует фото { $detail }
hearing-import-problem-evidence-not-image = { $detail } не является файлом JPEG или PNG
hearing-import-problem-already-answered = по делу уже получен ответ, поэтому изменить его больше нельзя
hearing-import-problem-missing-column = отсутствует столбец { $detail }
hearing-admin-letters = Напечатать опросные листы (дел без опросного листа: { $count })
hearing-admin-letter-one = Выпустить новый опросный лист (прежний код доступа станет недействительным)
hearing-admin-export-zip = Экспортировать ответы (ZIP: JSON, CSV, PDF)
hearing-admin-export-json = Экспортировать ответы (JSON)
hearing-admin-export-csv = Экспортировать ответы (CSV)
hearing-admin-mark-processed = Отметить как принятые в работу
hearing-admin-processed-done = { $count ->
    [one] { $count } дело отмечено как принятое в работу.
    [few] { $count } дела отмечены как принятые в работу.
    [many] { $count } дел отмечены как принятые в работу.
   *[other] { $count } дела отмечены как принятые в работу.
}
hearing-admin-sources = Импортирующие системы
hearing-admin-source-name = Название системы
hearing-admin-source-add = Добавить систему
hearing-admin-source-token = Токен для { $name } (показывается только сейчас):
hearing-admin-case = Дело { $number }
hearing-admin-audit = Журнал
hearing-admin-uploads = Документы гражданина
hearing-admin-erased = Персональные данные по этому делу удалены.
