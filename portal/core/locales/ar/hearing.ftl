## Online hearing for administrative offences: the citizen's pages

hearing-login-title = سماع الأقوال عبر الإنترنت في إجراءات الغرامات
hearing-login-intro = باستخدام بيانات الدخول الواردة في خطاب سماع الأقوال يمكنك هنا الاطلاع على الاتهام وصور الإثبات، والإدلاء بأقوالك بشأنه، وتسمية الشخص الذي كان يقود المركبة، وإرسال الوثائق.
hearing-case-number = رقم الملف
hearing-case-number-hint = تجده في أعلى خطاب سماع الأقوال، مثل OWI-2026-004711.
hearing-code = رمز الدخول
hearing-code-hint = 20 حرفًا في خمس مجموعات من أربعة أحرف، كما هو مطبوع في خطاب سماع الأقوال. لا فرق بين الأحرف الكبيرة والصغيرة.
hearing-login-submit = تسجيل الدخول
hearing-qr-hint = يمكنك أيضًا مسح رمز QR الموجود في خطاب سماع الأقوال بكاميرا هاتفك الذكي: وعندها يتم تسجيل دخولك مباشرة.
hearing-error-summary = توجد مشكلة
hearing-error-typo = يحتوي رمز الدخول على خطأ كتابي. يُرجى مقارنته حرفًا حرفًا بخطاب سماع الأقوال.
hearing-error-refused = رقم الملف أو رمز الدخول غير صحيح. يُرجى التحقق من كليهما في خطاب سماع الأقوال.
hearing-error-throttled = محاولات كثيرة جدًا. يُرجى الانتظار { $minutes ->
    [one] دقيقة واحدة
    [two] دقيقتين
    [few] { $minutes } دقائق
    [many] { $minutes } دقيقة
   *[other] { $minutes } دقيقة
} ثم المحاولة مرة أخرى.
hearing-session-expired = انتهت صلاحية جلستك. يُرجى تسجيل الدخول مرة أخرى.
hearing-expired-title = انتهت مهلة سماع الأقوال عبر الإنترنت
hearing-expired-text = انتهت المهلة بتاريخ { $date }. لم يعد بإمكانك الإدلاء بأقوالك عبر الإنترنت. لكن لا يزال بإمكانك مراسلة دائرة الغرامات كتابيًا؛ يُرجى ذكر رقم الملف.
hearing-logout = تسجيل الخروج
hearing-logged-out = تم تسجيل خروجك.

hearing-case-title = سماع الأقوال في الملف رقم { $number }
hearing-deadline = يمكنك الإدلاء بأقوالك حتى { $date }.
hearing-accusation = الاتهام
hearing-offence = المخالفة المنسوبة إليك
hearing-offence-note = يرد الاتهام هنا بالصياغة الحرفية للجهة المختصة.
hearing-offence-code = رقم وصف المخالفة
hearing-when = وقت ارتكاب المخالفة
hearing-when-value = { $date }، الساعة { $time }
hearing-place = مكان ارتكاب المخالفة
hearing-plate = رقم لوحة المركبة
hearing-vehicle = المركبة
hearing-legal-basis = الأساس القانوني
hearing-sanction-warning_fine = غرامة إنذارية
hearing-sanction-fine = الغرامة المالية المتوقعة
hearing-evidence = صور الإثبات
hearing-evidence-alt = صورة الإثبات { $n } من { $count }
hearing-evidence-none = لا توجد صور لهذه الحالة.
hearing-evidence-open = فتح الصورة { $n } بالحجم الكامل

hearing-rights-title = حقوقك
hearing-rights = لك الحرية في أن تُدلي بأقوالك بشأن الاتهام أو ألا تُدلي بأي أقوال في موضوعه (§ 55 من قانون المخالفات الإدارية، OWiG). ويحق لك في أي وقت، حتى قبل الإدلاء بأقوالك، استشارة محامٍ أو محامية للدفاع عنك. ويجب أن تكون البيانات المتعلقة بشخصك صحيحة.
hearing-rights-original = النص الألماني هو الملزم قانونيًا:
hearing-courtesy = ترجمة للاطلاع (غير ملزمة قانونيًا)

hearing-answer-title = ردّك
hearing-kind-legend = ماذا تريد أن تفعل؟
hearing-kind-admit = أعترف بالمخالفة.
hearing-kind-admit-hint = يمكنك بعد ذلك دفع الغرامة الإنذارية هنا مباشرة.
hearing-kind-contest = أعترض على الاتهام.
hearing-kind-driver = لم أكن أقود المركبة، وأسمّي الشخص الذي كان يقودها.
hearing-statement = إفادتك
hearing-statement-hint = إذا كنت تعترض على الاتهام: صِف ما حدث من وجهة نظرك. وفي غير ذلك تكون الإفادة اختيارية.
hearing-driver-legend = الشخص الذي كان يقود المركبة
hearing-driver-name = الاسم الأول واسم العائلة
hearing-street = الشارع ورقم المبنى
hearing-postcode = الرمز البريدي
hearing-city = المدينة أو البلدة
hearing-country = البلد (رمز البلد، مثل DE)
hearing-born-on = تاريخ الميلاد
hearing-correct-address = عنواني الوارد في خطاب سماع الأقوال غير صحيح.
hearing-own-address-legend = عنوانك الصحيح
hearing-submit = إرسال الرد
hearing-amend = تعديل الرد
hearing-submitted = وصل ردّك بتاريخ { $date } الساعة { $time }.
hearing-amend-note = يمكنك تعديل ردّك حتى انتهاء المهلة؛ ويُعتمد آخر رد.
hearing-answer-admit = تم الاعتراف بالمخالفة
hearing-answer-contest = تم الاعتراض على الاتهام
hearing-answer-driver = تمت تسمية السائق
hearing-processed = تسلّمت دائرة الغرامات ردّك لمعالجته. لم يعد بالإمكان تعديله عبر الإنترنت.
hearing-past-deadline = انتهت المهلة؛ لم يعد التعديل ممكنًا.

hearing-problem-missing = يُرجى ملء حقل «{ $field }».
hearing-problem-too-long = حقل «{ $field }» طويل جدًا.
hearing-problem-invalid = حقل «{ $field }» ليس بالصيغة الصحيحة.
hearing-problem-kind = يُرجى اختيار ما تريد فعله.
hearing-problem-postcode = يتكون الرمز البريدي الألماني من خمسة أرقام.
hearing-problem-born-on = يجب أن يكون تاريخ الميلاد في الماضي، وأن يكون عمر الشخص 15 عامًا على الأقل وقت ارتكاب المخالفة.

hearing-docs-title = الوثائق
hearing-docs-hint = PDF أو JPEG أو PNG، بحد أقصى { $mb } MB لكل ملف، والحد الأقصى لعدد الملفات: { $count }.
hearing-docs-file = الملف
hearing-docs-add = إرسال الوثيقة
hearing-docs-none = لم ترسل أي وثائق بعد.
hearing-docs-added = وصلت الوثيقة «{ $name }».
hearing-docs-too-large = الملف كبير جدًا (الحد الأقصى { $mb } MB).
hearing-docs-type = لا تُقبل إلا ملفات PDF وJPEG وPNG.
hearing-docs-too-many = لقد أرسلت بالفعل الحد الأقصى المسموح به من الوثائق.
hearing-receipt = تنزيل إشعار الاستلام (PDF)

hearing-pay = دفع الغرامة الإنذارية الآن
hearing-paid = تم دفع الغرامة الإنذارية. وبذلك تكون المسألة قد انتهت.

## The hearing's PDFs (letter, receipt)

hearing-letter-title = سماع الأقوال في إجراءات الغرامات
hearing-letter-intro = تُنسب إليك المخالفة الإدارية التالية. يمكنك الإدلاء بأقوالك بشأنها حتى { $date }، والطريقة الأسهل هي عبر الإنترنت.
hearing-letter-how = افتح { $url } وأدخل رقم الملف ورمز الدخول، أو امسح رمز QR.
hearing-letter-keep = احتفظ بهذا الخطاب: فرمز الدخول مطبوع هنا فقط.
hearing-receipt-title = إشعار استلام الرد في سماع الأقوال عبر الإنترنت
hearing-receipt-intro = وصل ردّك في الملف رقم { $number } إلى دائرة الغرامات.
hearing-receipt-received = تاريخ الوصول
hearing-receipt-documents = الوثائق المرسلة
hearing-receipt-answer = الرد

## The office's pages

hearing-admin-title = سماع الأقوال عبر الإنترنت
hearing-admin-filter = عرض
hearing-admin-filter-all = الكل
hearing-admin-filter-new = ردود جديدة
hearing-admin-filter-contested = معترض عليها
hearing-admin-filter-driver = تمت تسمية السائق
hearing-admin-filter-paid = مدفوعة
hearing-admin-filter-unanswered = دون رد
hearing-admin-filter-processed = مُستلَمة للمعالجة
hearing-admin-col-state = الحالة
hearing-admin-col-answer = الرد
hearing-admin-col-received = تاريخ الوصول
hearing-admin-col-deadline = المهلة
hearing-admin-col-sanction = الجزاء
hearing-admin-none = لا توجد حالات.
hearing-state-new = دون رد
hearing-state-answered = تم الرد
hearing-state-processed = مُستلَمة للمعالجة
hearing-admin-amended = معدَّل
hearing-admin-import = استيراد الحالات
hearing-admin-import-file = الملف (JSON Lines أو CSV)
hearing-admin-import-photos = صور الإثبات (JPEG أو PNG)
hearing-admin-import-submit = استيراد
hearing-admin-import-done = الاستيراد: { $new } جديدة، { $updated } معدَّلة، { $unchanged } دون تغيير.
hearing-admin-import-refused = لم يُستورد أي شيء. يُرجى تصحيح الملف وإرساله مرة أخرى:
hearing-import-line = السطر { $line }: { $problem }
hearing-import-problem-syntax = ليس سجلًا صالحًا ({ $detail })
hearing-import-problem-missing = الحقل { $detail } مفقود
hearing-import-problem-invalid = الحقل { $detail } غير صالح
hearing-import-problem-warning-fine-range = تتراوح الغرامة الإنذارية بين 5 و55 يورو
hearing-import-problem-deadline-before-offence = المهلة تقع قبل تاريخ المخالفة
hearing-import-problem-duplicate = رقم الملف نفسه موجود بالفعل في السطر { $detail }
hearing-import-problem-evidence-missing = الصورة { $detail } مفقودة
hearing-import-problem-evidence-not-image = { $detail } ليس ملف JPEG أو PNG
hearing-import-problem-already-answered = تم الرد على هذه الحالة بالفعل ولم يعد بالإمكان تغييرها
hearing-import-problem-missing-column = العمود { $detail } مفقود
hearing-admin-letters = طباعة خطابات سماع الأقوال (حالات دون خطاب: { $count })
hearing-admin-letter-one = إصدار خطاب سماع أقوال جديد (يتوقف رمز الدخول السابق عن العمل)
hearing-admin-export-zip = تصدير الردود (ZIP: JSON, CSV, PDF)
hearing-admin-export-json = تصدير الردود (JSON)
hearing-admin-export-csv = تصدير الردود (CSV)
hearing-admin-mark-processed = تعليم كمُستلَمة للمعالجة
hearing-admin-processed-done = { $count ->
    [zero] لم تُعلَّم أي حالة كمُستلَمة للمعالجة.
    [one] عُلِّمت حالة واحدة كمُستلَمة للمعالجة.
    [two] عُلِّمت حالتان كمُستلَمتين للمعالجة.
    [few] عُلِّمت { $count } حالات كمُستلَمة للمعالجة.
    [many] عُلِّمت { $count } حالة كمُستلَمة للمعالجة.
   *[other] عُلِّمت { $count } حالة كمُستلَمة للمعالجة.
}
hearing-admin-sources = الأنظمة المستورِدة
hearing-admin-source-name = اسم النظام
hearing-admin-source-add = إضافة نظام
hearing-admin-source-token = رمز المصادقة (Token) للنظام { $name } (لا يُعرض إلا الآن):
hearing-admin-case = الحالة { $number }
hearing-admin-audit = السجل
hearing-admin-uploads = وثائق المواطن أو المواطنة
hearing-admin-erased = تم حذف البيانات الشخصية لهذه الحالة.
