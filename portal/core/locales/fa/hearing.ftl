## Online hearing for administrative offences: the citizen's pages

hearing-login-title = استماع اظهارات آنلاین در رسیدگی به تخلف
hearing-login-intro = با اطلاعات دسترسی مندرج در نامهٔ استماع اظهارات، می‌توانید در اینجا اتهام و عکس‌های مدرک را ببینید، دربارهٔ آن اظهارنظر کنید، شخصی را که رانندگی می‌کرده است معرفی کنید و مدارک بفرستید.
hearing-case-number = شمارهٔ پرونده
hearing-case-number-hint = در بالای نامهٔ استماع اظهارات آمده است، برای مثال OWI-2026-004711.
hearing-code = کد دسترسی
hearing-code-hint = ۲۰ نویسه در پنج گروه چهارتایی، همان‌طور که روی نامهٔ استماع اظهارات چاپ شده است. بزرگ یا کوچک بودن حروف اهمیتی ندارد.
hearing-login-submit = ورود
hearing-qr-hint = همچنین می‌توانید کد QR روی نامهٔ استماع اظهارات را با دوربین گوشی هوشمند خود اسکن کنید: در این صورت بی‌درنگ وارد می‌شوید.
hearing-error-summary = مشکلی وجود دارد
hearing-error-typo = کد دسترسی یک اشتباه تایپی دارد. لطفاً آن را نویسه به نویسه با نامهٔ استماع اظهارات مقایسه کنید.
hearing-error-refused = شمارهٔ پرونده یا کد دسترسی درست نیست. لطفاً هر دو را در نامهٔ استماع اظهارات بررسی کنید.
hearing-error-throttled = تعداد تلاش‌ها بیش از حد است. لطفاً { $minutes ->
    [one] یک دقیقه
   *[other] { $minutes } دقیقه
} صبر کنید و سپس دوباره تلاش کنید.
hearing-session-expired = نشست شما منقضی شده است. لطفاً دوباره وارد شوید.
hearing-expired-title = مهلت استماع اظهارات آنلاین به پایان رسیده است
hearing-expired-text = مهلت در تاریخ { $date } به پایان رسید. دیگر نمی‌توانید به صورت آنلاین اظهارنظر کنید. همچنان می‌توانید به صورت کتبی به ادارهٔ جریمه‌ها مراجعه کنید؛ لطفاً در این صورت شمارهٔ پرونده را ذکر کنید.
hearing-logout = خروج
hearing-logged-out = شما از سامانه خارج شدید.

hearing-case-title = استماع اظهارات دربارهٔ پروندهٔ { $number }
hearing-deadline = می‌توانید تا تاریخ { $date } اظهارنظر کنید.
hearing-accusation = اتهام
hearing-offence = شرح تخلف
hearing-offence-note = متن اتهام در اینجا عیناً با عبارات خود اداره آمده است.
hearing-offence-code = شمارهٔ نوع تخلف
hearing-when = زمان وقوع تخلف
hearing-when-value = { $date }، ساعت { $time }
hearing-place = محل وقوع تخلف
hearing-plate = شمارهٔ پلاک
hearing-vehicle = وسیلهٔ نقلیه
hearing-legal-basis = مبنای قانونی
hearing-sanction-warning_fine = جریمهٔ اخطاری
hearing-sanction-fine = جریمهٔ نقدی احتمالی
hearing-evidence = عکس‌های مدرک
hearing-evidence-alt = عکس مدرک { $n } از { $count }
hearing-evidence-none = برای این پرونده هیچ عکسی وجود ندارد.
hearing-evidence-open = باز کردن عکس { $n } در اندازهٔ کامل

hearing-rights-title = حقوق شما
hearing-rights = شما آزادید که دربارهٔ اتهام اظهارنظر کنید یا دربارهٔ موضوع هیچ اظهاراتی نکنید (§ 55 قانون تخلفات، OWiG). می‌توانید در هر زمان، حتی پیش از اظهارنظر، با یک وکیل مدافع مشورت کنید. اطلاعات مربوط به مشخصات فردی شما باید درست باشد.
hearing-rights-original = متن آلمانی از نظر حقوقی معتبر است:
hearing-courtesy = ترجمهٔ غیررسمی (بدون اعتبار حقوقی)

hearing-answer-title = اظهارات شما
hearing-kind-legend = چه کاری می‌خواهید انجام دهید؟
hearing-kind-admit = تخلف را می‌پذیرم.
hearing-kind-admit-hint = پس از آن می‌توانید جریمهٔ اخطاری را همین‌جا بپردازید.
hearing-kind-contest = اتهام را نمی‌پذیرم و به آن اعتراض دارم.
hearing-kind-driver = من رانندگی نمی‌کردم و شخصی را که رانندگی می‌کرده است معرفی می‌کنم.
hearing-statement = توضیحات شما
hearing-statement-hint = اگر به اتهام اعتراض دارید: آنچه را از دید شما رخ داده است شرح دهید. در غیر این صورت، نوشتن توضیحات اختیاری است.
hearing-driver-legend = شخصی که رانندگی می‌کرده است
hearing-driver-name = نام و نام خانوادگی
hearing-street = خیابان و پلاک
hearing-postcode = کد پستی
hearing-city = شهر یا محل
hearing-country = کشور (کد کشور، برای مثال DE)
hearing-born-on = تاریخ تولد
hearing-correct-address = نشانی من در نامهٔ استماع اظهارات نادرست است.
hearing-own-address-legend = نشانی درست شما
hearing-submit = ارسال اظهارات
hearing-amend = تغییر اظهارات
hearing-submitted = اظهارات شما در تاریخ { $date } ساعت { $time } دریافت شد.
hearing-amend-note = تا پایان مهلت می‌توانید اظهارات خود را تغییر دهید؛ آخرین نسخه معتبر است.
hearing-answer-admit = تخلف پذیرفته شد
hearing-answer-contest = به اتهام اعتراض شد
hearing-answer-driver = راننده معرفی شد
hearing-processed = ادارهٔ جریمه‌ها اظهارات شما را پردازش کرده است. دیگر امکان تغییر آنلاین وجود ندارد.
hearing-past-deadline = مهلت به پایان رسیده است؛ دیگر امکان تغییر وجود ندارد.

hearing-problem-missing = لطفاً «{ $field }» را پر کنید.
hearing-problem-too-long = «{ $field }» بیش از حد طولانی است.
hearing-problem-invalid = «{ $field }» قالب درستی ندارد.
hearing-problem-kind = لطفاً انتخاب کنید که چه کاری می‌خواهید انجام دهید.
hearing-problem-postcode = کد پستی آلمان پنج رقم دارد.
hearing-problem-born-on = تاریخ تولد باید در گذشته باشد و این شخص باید در زمان وقوع تخلف دست‌کم ۱۵ سال داشته باشد.

hearing-docs-title = مدارک
hearing-docs-hint = PDF، JPEG یا PNG، حداکثر { $mb } MB برای هر فایل، تا { $count } فایل.
hearing-docs-file = فایل
hearing-docs-add = ارسال مدرک
hearing-docs-none = شما هنوز هیچ مدرکی نفرستاده‌اید.
hearing-docs-added = «{ $name }» دریافت شد.
hearing-docs-too-large = فایل بیش از حد بزرگ است (حداکثر { $mb } MB).
hearing-docs-type = فقط فایل‌های PDF، JPEG و PNG پذیرفته می‌شوند.
hearing-docs-too-many = شما حداکثر تعداد مجاز مدارک را فرستاده‌اید.
hearing-receipt = بارگیری تأییدیهٔ دریافت (PDF)

hearing-pay = پرداخت فوری جریمهٔ اخطاری
hearing-paid = جریمهٔ اخطاری پرداخت شده است. بدین ترتیب موضوع خاتمه یافته است.

## The hearing's PDFs (letter, receipt)

hearing-letter-title = استماع اظهارات در رسیدگی به تخلف
hearing-letter-intro = تخلف زیر به شما نسبت داده می‌شود. می‌توانید تا تاریخ { $date } دربارهٔ آن اظهارنظر کنید؛ ساده‌ترین راه، به صورت آنلاین است.
hearing-letter-how = { $url } را باز کنید و شمارهٔ پرونده و کد دسترسی را وارد کنید، یا کد QR را اسکن کنید.
hearing-letter-keep = این نامه را نگه دارید: کد دسترسی فقط در همین نامه آمده است.
hearing-receipt-title = تأییدیهٔ دریافت برای استماع اظهارات آنلاین
hearing-receipt-intro = اظهارات شما دربارهٔ پروندهٔ { $number } به ادارهٔ جریمه‌ها رسیده است.
hearing-receipt-received = دریافت شد
hearing-receipt-documents = مدارک ارسال‌شده
hearing-receipt-answer = اظهارات

## The office's pages

hearing-admin-title = استماع اظهارات آنلاین
hearing-admin-filter = نمایش
hearing-admin-filter-all = همه
hearing-admin-filter-new = تازه پاسخ داده شده
hearing-admin-filter-contested = مورد اعتراض
hearing-admin-filter-driver = راننده معرفی شده
hearing-admin-filter-paid = پرداخت‌شده
hearing-admin-filter-unanswered = بدون پاسخ
hearing-admin-filter-processed = پردازش‌شده
hearing-admin-col-state = وضعیت
hearing-admin-col-answer = اظهارات
hearing-admin-col-received = دریافت
hearing-admin-col-deadline = مهلت
hearing-admin-col-sanction = مجازات
hearing-admin-none = هیچ پرونده‌ای وجود ندارد.
hearing-state-new = بدون پاسخ
hearing-state-answered = پاسخ داده شده
hearing-state-processed = پردازش‌شده
hearing-admin-amended = تغییر یافته
hearing-admin-import = وارد کردن پرونده‌ها
hearing-admin-import-file = فایل (JSON Lines یا CSV)
hearing-admin-import-photos = عکس‌های مدرک (JPEG یا PNG)
hearing-admin-import-submit = وارد کردن
hearing-admin-import-done = وارد کردن: { $new } جدید، { $updated } تغییریافته، { $unchanged } بدون تغییر.
hearing-admin-import-refused = هیچ چیزی وارد نشد. لطفاً فایل را اصلاح کنید و دوباره بفرستید:
hearing-import-line = سطر { $line }: { $problem }
hearing-import-problem-syntax = رکورد معتبری نیست ({ $detail })
hearing-import-problem-missing = فیلد { $detail } وجود ندارد
hearing-import-problem-invalid = فیلد { $detail } نامعتبر است
hearing-import-problem-warning-fine-range = مبلغ جریمهٔ اخطاری بین ۵ تا ۵۵ یورو است
hearing-import-problem-deadline-before-offence = مهلت پیش از تاریخ تخلف است
hearing-import-problem-duplicate = همین شمارهٔ پرونده در سطر { $detail } نیز آمده است
hearing-import-problem-evidence-missing = عکس { $detail } وجود ندارد
hearing-import-problem-evidence-not-image = { $detail } فایل JPEG یا PNG نیست
hearing-import-problem-already-answered = به این پرونده پاسخ داده شده است و دیگر قابل تغییر نیست
hearing-import-problem-missing-column = ستون { $detail } وجود ندارد
hearing-admin-letters = چاپ نامه‌های استماع اظهارات ({ $count } پرونده بدون نامه)
hearing-admin-letter-one = صدور نامهٔ استماع اظهارات جدید (کد دسترسی قبلی نامعتبر می‌شود)
hearing-admin-export-zip = خروجی گرفتن از اظهارات (ZIP: JSON, CSV, PDF)
hearing-admin-export-json = خروجی گرفتن از اظهارات (JSON)
hearing-admin-export-csv = خروجی گرفتن از اظهارات (CSV)
hearing-admin-mark-processed = علامت‌گذاری به عنوان پردازش‌شده
hearing-admin-processed-done = { $count ->
    [one] یک پرونده به عنوان پردازش‌شده علامت‌گذاری شد.
   *[other] { $count } پرونده به عنوان پردازش‌شده علامت‌گذاری شد.
}
hearing-admin-sources = سامانه‌های واردکننده
hearing-admin-source-name = نام سامانه
hearing-admin-source-add = افزودن سامانه
hearing-admin-source-token = توکن برای { $name } (فقط همین حالا نمایش داده می‌شود):
hearing-admin-case = پروندهٔ { $number }
hearing-admin-audit = گزارش رویدادها
hearing-admin-uploads = مدارک شهروند
hearing-admin-erased = داده‌های شخصی این پرونده حذف شده است.
