site-name = مكتب خدمات المواطنين الافتراضي
skip-to-content = الانتقال إلى المحتوى
language = اللغة
footer-text = خدمة من إدارة مدينتك. لا حاجة إلى حساب ولا إلى أي برنامج.
back-home = العودة إلى الصفحة الرئيسية

weekday-mon = الاثنين
weekday-tue = الثلاثاء
weekday-wed = الأربعاء
weekday-thu = الخميس
weekday-fri = الجمعة
weekday-sat = السبت
weekday-sun = الأحد

index-title = حجز موعد في مكتب خدمات المواطنين الافتراضي
index-intro = أنجز معاملتك عبر مكالمة فيديو من منزلك: كل ما تحتاجه جهاز مزوّد بكاميرا وميكروفون واتصال بالإنترنت. اختر معاملتك.
service-duration = { $minutes ->
    [one] دقيقة واحدة
    [two] دقيقتان
    [few] { $minutes } دقائق
    [many] { $minutes } دقيقة
   *[other] { $minutes } دقيقة
}
service-fee-free = بدون رسوم
service-fee = الرسوم: { $amount }
choose-service = اختيار موعد

service-wohnsitzummeldung = تغيير عنوان السكن
service-wohnsitzummeldung-desc = الانتقال داخل المدينة أو القدوم من مكان آخر في ألمانيا.
service-wohnsitzummeldung-docs = بطاقة الهوية الشخصية أو جواز السفر، وتأكيد السكن الصادر عن المؤجِّر (Wohnungsgeberbestätigung).
service-abmeldung-ausland = إلغاء تسجيل السكن عند الانتقال إلى الخارج
service-abmeldung-ausland-desc = تنتقل إلى الخارج وتُلغي تسجيل سكنك هنا.
service-abmeldung-ausland-docs = بطاقة الهوية الشخصية أو جواز السفر، وعنوانك الجديد في الخارج إن كنت تعرفه.
service-lebensbescheinigung = شهادة إثبات الحياة
service-lebensbescheinigung-desc = تأكيد لجهات صرف المعاشات التقاعدية وصناديقها.
service-lebensbescheinigung-docs = بطاقة الهوية الشخصية أو جواز السفر، والاستمارة الصادرة عن جهة المعاش.
service-meldebescheinigung = شهادة تسجيل السكن
service-meldebescheinigung-desc = تأكيد لعنوانك الحالي.
service-meldebescheinigung-docs = بطاقة الهوية الشخصية أو جواز السفر.
service-fuehrungszeugnis = شهادة حسن السيرة والسلوك
service-fuehrungszeugnis-desc = طلب شهادة حسن السيرة والسلوك من المكتب الاتحادي للعدل، لاستخدامك الشخصي أو لتقديمها إلى جهة رسمية.
service-fuehrungszeugnis-docs = بطاقة الهوية الشخصية أو جواز السفر؛ وللشهادة الموسّعة: الطلب الكتابي من صاحب العمل أو الجمعية.
service-gewerbezentralregister = مستخرج من السجل المركزي للأنشطة التجارية
service-gewerbezentralregister-desc = معلومات عن شخص أو شركة لأغراض تراخيص الأنشطة التجارية والمناقصات العامة.
service-gewerbezentralregister-docs = بطاقة الهوية الشخصية أو جواز السفر؛ وللشركات: مستخرج السجل التجاري وما يثبت صلاحيتك في تمثيل الشركة.
service-steuer-id = رقم التعريف الضريبي
service-steuer-id-desc = إرسال رقم تعريفك الضريبي إليك مرة أخرى.
service-steuer-id-docs = بطاقة الهوية الشخصية أو جواز السفر.
service-aufenthaltsbescheinigung = شهادة الإقامة
service-aufenthaltsbescheinigung-desc = تأكيد لمحل سكنك، مثلًا لتقديمه إلى جهات رسمية في الخارج.
service-aufenthaltsbescheinigung-docs = بطاقة الهوية الشخصية أو جواز السفر.
service-melderegisterauskunft = معلومات من سجل السكان
service-melderegisterauskunft-desc = عنوان شخص آخر.
service-melderegisterauskunft-docs = بطاقة الهوية الشخصية أو جواز السفر؛ واسم الشخص المطلوب وتاريخ ميلاده وآخر عنوان معروف له.
service-bewohnerparkausweis = تصريح وقوف السيارات للسكان
service-bewohnerparkausweis-desc = تصريح وقوف لمنطقة وقوف السكان الخاصة بك، لمدة سنة واحدة.
service-bewohnerparkausweis-docs = بطاقة الهوية الشخصية أو جواز السفر، ورخصة المركبة (شهادة التسجيل، الجزء الأول).
service-schwerbehindertenparkausweis = بطاقة وقوف السيارات للأشخاص ذوي الإعاقة
service-schwerbehindertenparkausweis-desc = بطاقة وقوف زرقاء أو برتقالية.
service-schwerbehindertenparkausweis-docs = بطاقة الهوية الشخصية، وبطاقة ذوي الإعاقة الشديدة، وقرار مكتب الرعاية المختص، وصورة شخصية حديثة بصيغة ملف.
service-familienpass = بطاقة الأسرة
service-familienpass-desc = أسعار مخفّضة للأسر في المرافق التابعة للبلدية.
service-familienpass-docs = بطاقة الهوية الشخصية أو جواز السفر، وشهادات ميلاد أطفالك أو وثائق هوياتهم.
service-ausweis-beratung = استشارة بشأن بطاقة الهوية وجواز السفر
service-ausweis-beratung-desc = ما الوثائق التي تحتاجها، والمواعيد النهائية، وجوازات سفر الأطفال: نوضّح لك كل شيء قبل موعدك في مكتب خدمات المواطنين.
service-ausweis-beratung-docs = بطاقة هويتك أو جواز سفرك الحالي، إن وُجد.
service-personalausweis = طلب بطاقة هوية شخصية
service-personalausweis-desc = بطاقة هوية شخصية جديدة.
service-personalausweis-docs = بطاقة هويتك الحالية، وصورة شخصية بيومترية.
service-personalausweis-not-virtual = عند تقديم الطلب تُؤخذ بصمات أصابعك وتوقيعك في مكتب خدمات المواطنين. يُرجى حجز موعد في أحد مكاتبنا لخدمات المواطنين؛ ويسعدنا أن نقدّم لك الاستشارة مسبقًا عبر الفيديو.
service-reisepass = طلب جواز سفر
service-reisepass-desc = جواز سفر جديد.
service-reisepass-docs = جواز سفرك الحالي أو بطاقة هويتك، وصورة شخصية بيومترية.
service-reisepass-not-virtual = عند تقديم الطلب تُؤخذ بصمات أصابعك وتوقيعك في مكتب خدمات المواطنين. يُرجى حجز موعد في أحد مكاتبنا لخدمات المواطنين؛ ويسعدنا أن نقدّم لك الاستشارة مسبقًا عبر الفيديو.
service-docs = يُرجى تجهيز ما يلي:
service-not-virtual-label = حضوريًا في مكتب خدمات المواطنين فقط
error-not-virtual = لا يمكن إنجاز هذه المعاملة عبر الفيديو. يُرجى حجز موعد في أحد مكاتبنا لخدمات المواطنين.

book-title = حجز موعد: { $service }
book-choose-slot = اختر موعدًا متاحًا
book-no-slots = لا توجد مواعيد متاحة حاليًا. يُرجى المحاولة مرة أخرى لاحقًا.
book-your-details = بياناتك
book-name = الاسم الأول واسم العائلة
book-email = عنوان البريد الإلكتروني
book-email-hint = نرسل إلى هذا العنوان التأكيد مع رابط مكالمة الفيديو.
book-submit = تأكيد الحجز
book-privacy = نحتفظ ببياناتك لهذا الموعد فقط، ونحذفها بعده.
book-time = { $time }

error-summary = يُرجى تصحيح ما يلي:
error-name = يُرجى إدخال اسمك (100 حرف كحد أقصى).
error-email = يُرجى إدخال عنوان بريد إلكتروني صالح.
error-choose-slot = يُرجى اختيار موعد.
error-slot-taken = حُجز هذا الموعد للتو. يُرجى اختيار موعد آخر.
error-no-such-slot = هذا الموعد غير متاح للحجز. يُرجى اختيار موعد من القائمة.

booked-title = تم حجز موعدك
booked-text = { $service }: { $date } الساعة { $time }.
booked-mail-sent = أرسلنا إليك رسالة بريد إلكتروني تتضمن رابط مكالمة الفيديو. افتح الرابط قبل موعدك بقليل.

mail-subject = موعدك في مكتب خدمات المواطنين الافتراضي: { $service } بتاريخ { $date }
mail-greeting = مرحبًا { $name }،
mail-greeting-plain = مرحبًا،
mail-body = تم حجز موعدك «{ $service }» بتاريخ { $date } الساعة { $time }.
mail-join = انضم إلى مكالمة الفيديو عبر هذا الرابط (يُرجى عدم مشاركته مع أحد):
mail-documents = يُرجى تجهيز ما يلي:
cancel-title = إلغاء الموعد
cancel-appointment = موعدك: { $service } بتاريخ { $date } الساعة { $time }.
cancel-question = هل تريد إلغاء هذا الموعد؟ سيصبح متاحًا لغيرك.
cancel-confirm = إلغاء الموعد
cancel-done = تم إلغاء موعدك. لم يعد رابط مكالمة الفيديو صالحًا.
cancel-already = سبق أن أُلغي هذا الموعد.
cancel-too-late = بدأ هذا الموعد أو انتهى، ولم يعد من الممكن إلغاؤه.
cancel-book-again = حجز موعد جديد
mail-cancel = لإلغاء الموعد أو نقله إلى وقت آخر:
reminder-subject = تذكير: موعدك في مكتب خدمات المواطنين الافتراضي، { $service }، بتاريخ { $date }
reminder-body = نذكّرك بموعدك «{ $service }» بتاريخ { $date } الساعة { $time }. تُفتح غرفة الانتظار قبل الموعد بربع ساعة.
mail-footer = لا تحتاج إلى أي برنامج ولا إلى حساب مستخدم، بل يكفي متصفح حديث مع كاميرا وميكروفون.

call-title = مكالمة الفيديو
call-intro = يُرجى السماح بالوصول إلى الكاميرا والميكروفون.
call-you = أنت
call-remote = الطرف الآخر
call-quality-own-poor = اتصالك ضعيف: قد يتقطّع صوتك. اقترب من شبكة Wi-Fi أو أوقف التنزيلات الأخرى.
call-quality-other-poor = اتصال ضعيف، قد يتقطّع الكلام.
call-status-starting = جارٍ تشغيل الكاميرا والميكروفون …
call-status-connecting = جارٍ الاتصال …
call-status-waiting = تم الاتصال. يُرجى الانتظار حتى ينضم الطرف الآخر.
call-status-connected = أنت الآن في المكالمة.
call-status-left = لقد غادرت المكالمة.
call-status-replaced = هذه المكالمة مفتوحة الآن في نافذة أخرى أو على جهاز آخر. أعد تحميل هذه الصفحة لمتابعتها هنا.
call-status-other-left = غادر الطرف الآخر المكالمة.
call-status-error = تعذّر الاتصال. يُرجى إعادة تحميل الصفحة.
call-status-camera-denied = لا يمكن إجراء مكالمة فيديو دون الوصول إلى الكاميرا والميكروفون. يُرجى السماح بالوصول ثم إعادة تحميل الصفحة.
call-status-reconnecting = انقطع الاتصال: جارٍ إعادة الاتصال … المكالمة مستمرة.
call-status-other-reconnecting = انقطع اتصال الطرف الآخر، وجارٍ إعادة الاتصال.
call-status-server-closed = تجري إعادة تشغيل الخادم. يُرجى إعادة تحميل الصفحة بعد دقيقة.
call-mute = كتم الميكروفون
call-unmute = تشغيل الميكروفون
call-camera-off = إيقاف الكاميرا
call-camera-on = تشغيل الكاميرا
call-share-screen = مشاركة الشاشة
call-stop-sharing = إيقاف المشاركة
call-remote-screen = الشاشة المشتركة
call-sharing = أنت تشارك شاشتك: يراها جميع المشاركين في المكالمة.
call-leave = مغادرة المكالمة
call-early-title = لم تُفتح غرفة الانتظار بعد
call-early-text = يبدأ موعدك الساعة { $slot }. تُفتح غرفة الانتظار بتاريخ { $date } الساعة { $time }، يُرجى العودة حينها عبر الرابط نفسه.
call-early-retry = إعادة المحاولة
call-status-lobby = أنت في غرفة الانتظار. سيسمح لك الموظف المختص بالدخول قريبًا، يُرجى البقاء في هذه الصفحة.
call-lobby-position = ترتيبك في قائمة الانتظار:
call-status-declined = تعذّر على الموظف المختص السماح لك بالدخول. يُرجى التواصل مع مكتب خدمات المواطنين.
call-status-removed = أخرجك الموظف المختص من المكالمة.
call-status-ended = أنهى الموظف المختص المكالمة. شكرًا لك!
call-muted-by-clerk = كتم الموظف المختص الميكروفون لديك. استخدم «تشغيل الميكروفون» لتتحدث مجددًا.
call-muted-other = مكتوم الصوت
lobby-title = غرفة الانتظار
lobby-empty = لا يوجد أحد في الانتظار.
lobby-admit = السماح بالدخول
lobby-decline = رفض
lobby-waiting-since = { $minutes ->
    [zero] ينتظر منذ أقل من دقيقة
    [one] ينتظر منذ دقيقة واحدة
    [two] ينتظر منذ دقيقتين
    [few] ينتظر منذ { $minutes } دقائق
    [many] ينتظر منذ { $minutes } دقيقة
   *[other] ينتظر منذ { $minutes } دقيقة
}
call-participants = المشاركون
call-mute-other = كتم الصوت
call-remove = إخراج
call-end-all = إنهاء المكالمة للجميع
clerk-waiting = في غرفة الانتظار
clerk-waiting-none = –
clerk-refresh = تحديث

chat-title = الدردشة
chat-label = اكتب رسالة
chat-send = إرسال
chat-you = أنت
chat-delivered = تم التسليم
chat-alone = لا يوجد أحد غيرك في المكالمة بعد

clerk-login-title = تسجيل دخول الموظفين
clerk-username = اسم المستخدم
clerk-password = كلمة المرور
clerk-login-submit = تسجيل الدخول
clerk-login-failed = اسم المستخدم أو كلمة المرور غير صحيحة.
clerk-login-throttled = محاولات تسجيل دخول فاشلة كثيرة جدًا. يُرجى الانتظار { $minutes ->
    [one] دقيقة واحدة
    [two] دقيقتين
    [few] { $minutes } دقائق
    [many] { $minutes } دقيقة
   *[other] { $minutes } دقيقة
} ثم المحاولة مرة أخرى.
clerk-console-title = المواعيد ابتداءً من اليوم
clerk-signed-in = مسجَّل الدخول باسم { $name }
clerk-no-bookings = لا توجد مواعيد محجوزة ابتداءً من اليوم.
clerk-date = التاريخ
clerk-time = الوقت
clerk-service = المعاملة
clerk-citizen = المواطن
clerk-action = الإجراء
clerk-join = فتح المكالمة
clerk-logout = تسجيل الخروج

error-title = تعذّر تنفيذ ذلك
error-too-many-for-email = بلغ عدد المواعيد المحجوزة لهذا البريد الإلكتروني الحد الأقصى المسموح به. ألغِ أحدها عبر الرابط الوارد في رسالة تأكيده لتتمكن من حجز موعد جديد.
error-not-found = هذه الصفحة غير موجودة.
error-link-invalid = هذا الرابط غير صالح، أو أُلغي الموعد.
error-internal = حدث خطأ داخلي. يُرجى المحاولة مرة أخرى لاحقًا.
error-cross-origin = أُرسل هذا النموذج من موقع إلكتروني آخر. حرصًا على حمايتك لم يُغيَّر أي شيء. يُرجى فتح الصفحة على موقعنا وإرسال النموذج من هناك.
error-login-required = يُرجى تسجيل الدخول.

pending-title = يُرجى تأكيد موعدك
pending-text = نحجز هذا الموعد لك لمدة { $minutes ->
    [one] دقيقة واحدة
    [two] دقيقتين
    [few] { $minutes } دقائق
    [many] { $minutes } دقيقة
   *[other] { $minutes } دقيقة
}. يُرجى فتح رسالة البريد الإلكتروني التي أرسلناها إليك للتو وتأكيد الموعد من خلالها. عندئذٍ فقط يصبح الحجز نهائيًا، ويصلك رابط مكالمة الفيديو.
lapsed-title = لم يعد هذا الموعد محجوزًا لك
lapsed-text = لم يُؤكَّد الموعد في الوقت المحدد أو أُلغي، وأصبح متاحًا لغيرك من جديد. يُرجى حجز موعد جديد.
confirm-title = تأكيد الموعد
confirm-question = هل تريد حجز هذا الموعد بشكل نهائي؟
confirm-button = تأكيد الموعد
confirm-already = تم تأكيد هذا الموعد من قبل. تجد رابط مكالمة الفيديو في رسالة التأكيد الإلكترونية.
optin-subject = يُرجى التأكيد: { $service } بتاريخ { $date }
optin-body = طلبتَ موعد «{ $service }» بتاريخ { $date } الساعة { $time } في مكتب خدمات المواطنين الافتراضي. يُرجى تأكيده عبر هذا الرابط خلال { $minutes ->
    [one] دقيقة واحدة
    [two] دقيقتين
    [few] { $minutes } دقائق
    [many] { $minutes } دقيقة
   *[other] { $minutes } دقيقة
}، وبعدها نرسل إليك التأكيد مع رابط مكالمة الفيديو:
optin-ignore = إذا لم تطلب أي موعد، فتجاهل هذه الرسالة ببساطة: لا يُحجز أي شيء دون تأكيد.
error-invalid-request = الطلب غير مكتمل أو غير سليم.
error-no-such-endpoint = هذا العنوان غير موجود في هذه الواجهة. يوجد وصف الواجهة في /api/openapi.json.
error-method-not-allowed = هذا العنوان لا يقبل هذا النوع من الطلبات.
error-unsupported-media-type = يجب إرسال الطلب بصيغة JSON (Content-Type: application/json).
error-too-large = الطلب كبير جدًا.
error-proof-invalid = انتهت صلاحية التحقق الأمني أو أنه غير صالح. يُرجى إرسال النموذج مرة أخرى.
error-proof-needed = وصلتنا من اتصالك خلال الساعة الماضية عدة حجوزات دون التحقق الأمني. يُرجى السماح بتشغيل JavaScript في هذه الصفحة (يُجري التحقق عملية حسابية قصيرة في متصفحك ولا يجمع أي بيانات)، أو المحاولة مرة أخرى بعد ساعة.
error-too-many-attempts = وصلتنا من اتصالك خلال الساعة الماضية محاولات حجز كثيرة جدًا. يُرجى المحاولة مرة أخرى لاحقًا أو الاتصال بنا هاتفيًا.
error-too-many-holds = توجد عدة مواعيد من اتصالك ما زالت بانتظار التأكيد عبر البريد الإلكتروني. يُرجى تأكيدها أولًا عبر الرابط الوارد في الرسالة، أو المحاولة مرة أخرى بعد نصف ساعة.
book-pow-working = جارٍ التحقق الأمني …
waitlist-link = لم تجد وقتًا مناسبًا؟ سجّل في قائمة الانتظار
waitlist-title = قائمة الانتظار: { $service }
waitlist-intro = عندما يصبح موعد ما متاحًا، نعرضه بالترتيب عبر البريد الإلكتروني ونحجزه لك لفترة قصيرة. يمكنك حينها تأكيده بنقرة واحدة أو تركه.
waitlist-submit = التسجيل في قائمة الانتظار
waitlist-joined = أنت مسجّل في قائمة الانتظار لخدمة «{ $service }» (الترتيب { $position }). سنراسلك فور توفّر موعد.
waitlist-already = عنوان البريد الإلكتروني هذا مسجّل بالفعل في قائمة الانتظار لهذه الخدمة.
waitlist-mail-subject = قائمة الانتظار: { $service }
waitlist-mail-body = أنت مسجّل في قائمة الانتظار لخدمة «{ $service }» (الترتيب { $position }). عندما يتوفّر موعد، نعرضه عليك عبر البريد الإلكتروني. وإذا لم يصلك أي عرض، ينتهي التسجيل بعد 30 يومًا.
waitlist-mail-withdraw = إذا لم تعد ترغب في الانتظار:
waitlist-withdraw-title = الخروج من قائمة الانتظار
waitlist-withdraw-question = هل تريد حذف تسجيلك من قائمة الانتظار؟
waitlist-withdraw-button = حذف التسجيل
waitlist-withdrawn = تم حذف تسجيلك.
waitlist-gone = هذا التسجيل لم يعد في الانتظار (أو الرابط غير صالح).
offer-subject = توفّر موعد: { $service } بتاريخ { $date }
offer-body = توفّر موعد لخدمة «{ $service }»: بتاريخ { $date } الساعة { $time }. نحجزه لك لمدة { $minutes ->
    [one] دقيقة واحدة
    [two] دقيقتين
    [few] { $minutes } دقائق
    [many] { $minutes } دقيقة
   *[other] { $minutes } دقيقة
}. أكّده عبر هذا الرابط، وبعدها يصلك رابط مكالمة الفيديو:
desk-nav = اختيار اليوم والموظف
desk-day = اليوم
desk-clerk = الموظف
desk-all-clerks = الجميع
desk-show = عرض
desk-day-title = المواعيد بتاريخ { $date }
desk-prev-day = اليوم السابق
desk-next-day = اليوم التالي
desk-week = ابتداءً من اليوم
desk-phone-booking = حجز لمتصل هاتفيًا
desk-unconfirmed = لم يُؤكَّد بعد
desk-note = ملاحظة
desk-add-note = إضافة ملاحظة
desk-save-note = حفظ الملاحظة
desk-no-show = لم يحضر
desk-no-show-marked = لم يحضر
desk-undo = تراجع
desk-move = نقل
desk-move-title = نقل الموعد
desk-move-to = الوقت الجديد
desk-move-submit = نقل الموعد
desk-back = العودة إلى النظرة العامة
desk-attendance-refused = يصبح ذلك ممكنًا بعد بدء الموعد.
desk-phone-title = حجز موعد لمتصل هاتفيًا
desk-phone-intro = للمواطنين الذين يتصلون هاتفيًا: يُؤكَّد الموعد فورًا، ويُرسَل التأكيد مع رابط مكالمة الفيديو إلى عنوان بريدهم الإلكتروني.
desk-show-times = عرض الأوقات
desk-mail-language = لغة رسائل البريد الإلكتروني
desk-phone-submit = حجز الموعد
moved-subject = تم نقل موعدك: { $service } بتاريخ { $date }
moved-body = تم نقل موعدك «{ $service }» إلى تاريخ { $date } الساعة { $time }. تبقى الروابط صالحة.
stats-title = نسبة الإشغال
stats-utilisation = النسبة المحجوزة من الوقت المعروض (حتى آخر يوم متاح للحجز)
stats-location = الموقع
stats-booked = محجوز
stats-offered = معروض
stats-share = النسبة
stats-requested = الخدمات الأكثر طلبًا (آخر 30 يومًا)
stats-no-shows = حالات عدم الحضور (آخر 30 يومًا)
stats-no-show-rate = { $percent } % – المواعيد: { $no_shows } من أصل { $past }.
stats-none = لا توجد بيانات بعد.

## Admin pages: the catalogue
admin-title = الإدارة
admin-forbidden = هذه الصفحة مخصّصة للمسؤولين.
admin-back = العودة إلى الإدارة
admin-back-to-form = العودة إلى النموذج
admin-locations = المواقع
admin-clerks = الموظفون
admin-services = الخدمات
admin-name = الاسم
admin-state = الحالة
admin-active = نشط
admin-inactive = غير نشط
admin-role-admin = مسؤول
admin-virtual-office = المكتب الافتراضي
admin-new-location = موقع جديد
admin-new-clerk = موظف جديد
admin-create-clerk = إنشاء حساب
admin-duration = المدة
admin-fee = الرسوم
admin-by-video = عبر الفيديو
admin-offered = معروضة
admin-saved = تم الحفظ.
admin-affected = { $count ->
    [one] يتأثر بذلك موعد واحد محجوز مسبقًا؛ يُرجى مراجعته في نظرة المواعيد العامة.
    [two] يتأثر بذلك موعدان محجوزان مسبقًا؛ يُرجى مراجعتهما في نظرة المواعيد العامة.
    [few] يتأثر بذلك { $count } مواعيد محجوزة مسبقًا؛ يُرجى مراجعتها في نظرة المواعيد العامة.
    [many] يتأثر بذلك { $count } موعدًا محجوزًا مسبقًا؛ يُرجى مراجعتها في نظرة المواعيد العامة.
   *[other] يتأثر بذلك { $count } موعد محجوز مسبقًا؛ يُرجى مراجعتها في نظرة المواعيد العامة.
}
admin-location-details = الموقع
admin-slug = الاسم المختصر في العناوين
admin-slug-hint = أحرف لاتينية صغيرة وأرقام وشرطات، مثل "mitte".
admin-address = العنوان
admin-timezone = المنطقة الزمنية
admin-grid = الفاصل الزمني بين المواعيد بالدقائق
admin-takes-bookings = يقبل الحجوزات
admin-opening-hours = أوقات الدوام
admin-working-hours = ساعات العمل
admin-own-hours = ساعات عمل خاصة (وإلا تُعتمد أوقات دوام الموقع)
admin-hours = الأوقات
admin-hours-hint = مثال: "08:00–12:00, 13:00–16:00"؛ الحقل الفارغ يعني مغلق. الأوقات بخطوات من 5 دقائق.
admin-special-days = العطل الرسمية والأيام الخاصة
admin-no-special-days = لا توجد أيام خاصة قادمة.
admin-add-day = إضافة يوم خاص
admin-day-hint = الحقل الفارغ يعني مغلقًا طوال اليوم (عطلة رسمية أو غياب).
admin-add-day-submit = حفظ اليوم
admin-reason = السبب
admin-closed = مغلق
admin-remove = إزالة
admin-save = حفظ
admin-clerk-details = الحساب
admin-display-name = الاسم الذي يظهر للمواطنين
admin-clerk-active = يعمل هنا (يمكنه تسجيل الدخول وتُسند إليه المواعيد)
admin-skills = الخدمات
admin-skills-hint = إذا لم تُحدَّد أي خدمة، يتولى الموظف جميع خدمات الموقع.
admin-username-hint = أحرف وأرقام ونقطة وشرطة وشرطة سفلية.
admin-password-once = كلمة المرور، وتُعرض الآن فقط. سلّمها إلى الموظف شخصيًا:
admin-password-hint = يعيّن كلمة مرور جديدة تُعرض مرة واحدة، ويسجّل خروج الموظف من جميع الأجهزة.
admin-new-password = كلمة مرور جديدة
admin-service-texts = يأتي الاسم والوصف والوثائق المطلوب إحضارها من كتالوج الترجمة (service-{ $slug }).
admin-duration-minutes = المدة بالدقائق
admin-buffer-minutes = الوقت اللاحق بالدقائق (للملاحظات والأرشفة)
admin-error-hours = يُرجى كتابة الأوقات بالشكل "08:00–12:00"، مع الفصل بين عدة فترات بفواصل.
admin-error-hours-grid = يجب أن تكون الأوقات بخطوات من 5 دقائق.
admin-error-hours-order = يجب أن تنتهي كل فترة بعد بدايتها.
admin-error-hours-overlap = يجب ألا تتداخل فترات اليوم الواحد.
admin-error-date = يُرجى إدخال تاريخ.
admin-error-slug = لا يجوز أن يحتوي الاسم المختصر إلا على أحرف لاتينية صغيرة وأرقام وشرطات (40 حرفًا كحد أقصى).
admin-error-slug-taken = يستخدم موقع آخر هذا الاسم المختصر.
admin-error-name = يُرجى إدخال اسم (100 حرف كحد أقصى).
admin-error-address = يجب ألا يتجاوز العنوان 200 حرف.
admin-error-timezone = هذه المنطقة الزمنية غير معروفة (مثال: "Europe/Berlin").
admin-error-grid = يجب أن يكون الفاصل الزمني بين 5 و240 دقيقة، بخطوات من 5.
admin-error-virtual-stays = لا يمكن إغلاق المكتب الافتراضي نهائيًا: فهو المكان الذي تُحجز فيه مواعيد الفيديو.
admin-error-reason = يجب ألا يتجاوز السبب 100 حرف.
admin-error-self = لا يمكنك سحب دور المسؤول أو الحساب من نفسك.
admin-error-location = يُرجى اختيار موقع.
admin-error-service = خدمة غير معروفة.
admin-error-duration = يجب أن تكون المدة بين 5 و480 دقيقة، بخطوات من 5.
admin-error-buffer = يجب أن يكون الوقت اللاحق بين 0 و120 دقيقة، بخطوات من 5.
admin-error-fee = يُرجى إدخال الرسوم باليورو، مثل 12,50.
admin-error-username = لا يجوز أن يحتوي اسم المستخدم إلا على أحرف وأرقام ونقطة وشرطة وشرطة سفلية (40 حرفًا كحد أقصى).
admin-error-username-taken = اسم المستخدم هذا مستخدم بالفعل.

## A citizen moves their appointment
rebook-link = اختيار وقت آخر
rebook-title = نقل الموعد
rebook-choose = الوقت الجديد
rebook-submit = النقل إلى هذا الوقت
rebook-done = تم نقل موعدك: { $service } بتاريخ { $date } الساعة { $time }.
rebook-mail = ستصلك رسالة بريد إلكتروني بالوقت الجديد وملف تقويم جديد. يبقى رابط مكالمة الفيديو الخاص بك كما هو.
rebook-back = العودة إلى موعدك
rebook-too-late = بدأ هذا الموعد أو انتهى، ولم يعد من الممكن نقله.
rebook-unconfirmed = يُرجى أولًا تأكيد الموعد عبر الرابط الوارد في رسالة البريد الإلكتروني التي أرسلناها إليك. بعد ذلك يمكنك نقله.

takeover-title = موعد لدى زميل
takeover-text = هذا الموعد بتاريخ { $date } الساعة { $time } لدى { $colleague }.
takeover-text-nobody = هذا الموعد بتاريخ { $date } الساعة { $time } لدى موظف آخر.
takeover-recorded = إذا تولّيت المكالمة، فسيُسجَّل من تولّاها ومتى.
takeover-submit = تولّي المكالمة
takeover-cancel = العودة إلى النظرة العامة

## The case record's API (documents, identity check)
error-too-early = لم تُفتح الغرفة بعد.
error-unauthorized = يفتقر هذا الطلب إلى تفويض الموعد.
error-token-expired = انتهت صلاحية التفويض. يُرجى إعادة تحميل الصفحة.
error-not-in-call = هذا الطلب لا يخص موعدك.
error-clerk-only = لا يمكن القيام بذلك إلا للموظف المختص بالموعد.
error-file-too-large = الملف كبير جدًا (أو فارغ).
error-file-type = لا تُقبل إلا ملفات PDF وJPEG وPNG.
error-file-truncated = الملف غير مكتمل. يُرجى إرساله مرة أخرى.
error-checksum-mismatch = تغيّر الملف أثناء الإرسال. يُرجى إرساله مرة أخرى.
error-upload-offset = وصل النقل إلى موضع مختلف، وسيُستأنف من هناك.
error-upload-incomplete = لم يصل الملف كاملًا بعد.
error-wrong-state = لم يعد ذلك ممكنًا مع هذه الوثيقة.
error-identity-incomplete = لا يمكن تأكيد الهوية: بعض بنود قائمة التحقق غير مستوفاة.

## The case record in the call (documents both ways, identity check)
docs-title = الوثائق
docs-add = إضافة وثيقة (PDF أو JPEG أو PNG)
docs-hint = أو اسحب الملفات إلى هنا.
docs-progress = النقل
docs-none = لا توجد وثائق بعد.
docs-failed = تعذّر إرسال الملف. يُرجى المحاولة مرة أخرى.
docs-received = وصلت
docs-download = تنزيل
docs-keep = الاحتفاظ
docs-discard = استبعاد
docs-from-citizen = منك
docs-from-office = من المكتب
docs-from-citizen-clerk = من المواطن
docs-from-office-clerk = من المكتب
docs-state-received = وصلت
docs-state-kept = حُفظت في الملف
docs-state-discarded = استُبعدت
identity-title = التحقق من الهوية
identity-method = بواسطة
identity-method-id-card = بطاقة الهوية الشخصية
identity-method-passport = جواز السفر
identity-method-questions = أسئلة الأمان
identity-seen = تم التحقق
identity-check-photo = الصورة مطابقة للشخص
identity-check-feature = الصورة المجسّمة (الهولوغرام أو الكينيغرام) ظاهرة عند إمالة الوثيقة
identity-check-valid = الوثيقة سارية المفعول
identity-check-name = الاسم مطابق للحجز
identity-check-questions = تمت الإجابة عن أسئلة الأمان
identity-confirm = تم تأكيد الهوية
identity-fail = لم يتم التأكيد
identity-saved-confirmed = سُجّلت الهوية على أنها مؤكَّدة.
identity-saved-failed = تم التسجيل: الهوية غير مؤكَّدة.

## Signatures and results of the case record
error-citizen-only = لا يمكن القيام بذلك إلا للمواطن صاحب الموعد.
error-signature-refused = لا يمكن التوقيع بهذه الطريقة (لم يُؤكَّد بعد الاطلاع على الوثيقة، أو التوقيع المرسوم فارغ، أو رمز TAN خاطئ أو منتهي الصلاحية).
tan-mail-subject = رمز TAN الخاص بك للتوقيع
tan-mail-body = رمز TAN الخاص بك للتوقيع في موعد الفيديو هو { $tan }. وهو صالح لمدة { $minutes ->
    [one] دقيقة واحدة
    [two] دقيقتين
    [few] { $minutes } دقائق
    [many] { $minutes } دقيقة
   *[other] { $minutes } دقيقة
}. لا تُطلع عليه أحدًا.
result-mail-subject = وثيقتك: { $document }
result-mail-download = وثيقتك «{ $document }» من موعد الفيديو جاهزة للتنزيل.
result-mail-link = التنزيل متاح حتى { $date }، الساعة { $time }:
result-mail-post = وثيقتك «{ $document }» من موعد الفيديو في طريقها إليك بالبريد.
signed-title = موقّعة إلكترونيًا في موعد فيديو
signed-by = وقّعها: { $name }
signed-at = بتاريخ: { $date }، الساعة { $time }
signed-how-drawn = الطريقة: بخط اليد على الشاشة (بالقلم أو الإصبع أو الفأرة)
signed-how-tan = الطريقة: برمز TAN مُرسَل إلى عنوان البريد الإلكتروني المستخدم في الحجز
signed-sha256 = قيمة SHA-256 للوثيقة قبل التوقيع: { $sha256 }

## Guests in a call (interpreter, colleague)
guest-title = دعوة ضيف
guest-name = اسم الضيف
guest-role = بصفة
guest-role-interpreter = مترجم فوري (يسمع ويتحدث)
guest-role-observer = زميل (يتابع فقط)
guest-invite = إنشاء رابط الدعوة
guest-link = رابط الدعوة
guest-made = أعطِ هذا الرابط للضيف. سينتظر في غرفة الانتظار إلى أن تسمح له بالدخول.

## Signing and delivery in the call
sign-title = مطلوب توقيع
sign-intro = يطلب منك الموظف المختص توقيع وثيقة. يُرجى قراءتها أولًا.
sign-open = فتح الوثيقة
sign-read = لقد قرأت الوثيقة
sign-pad = وقّع هنا بالقلم أو بإصبعك أو بالفأرة:
sign-clear = البدء من جديد
sign-submit = توقيع
sign-tan-intro = أو وقّع برمز TAN يُرسَل إلى عنوان بريدك الإلكتروني.
sign-tan-send = إرسال رمز TAN
sign-tan = رمز TAN
sign-tan-submit = التوقيع برمز TAN
sign-tan-sent = رمز TAN في طريقه إلى عنوان بريدك الإلكتروني.
sign-done = تم التوقيع. الوثيقة الموقّعة موجودة في القائمة.
sign-ask = طلب التوقيع
sign-asked = تم طلب التوقيع.
deliver-download = إتاحتها للتنزيل
deliver-post = الإرسال بالبريد
deliver-done = تم التسجيل؛ وستصل المواطنَ رسالة بريد إلكتروني.

## Reviewing a document together
review-title = مراجعة الوثيقة معًا
review-show = المراجعة معًا
review-page = الصفحة
review-prev = الصفحة السابقة
review-next = الصفحة التالية
review-zoom-in = تكبير
review-zoom-out = تصغير
review-close = إغلاق

## Devices, uploads on their way, the case's timeline
call-audio-only = لا تتوفر كاميرا: ستشارك بالصوت فقط وترى الآخرين.
call-no-devices = لا تتوفر كاميرا ولا ميكروفون: يمكنك رؤية الآخرين وسماعهم والكتابة.
docs-state-uploading = جارٍ النقل
timeline-title = السجل الزمني للملف
timeline-opened = فُتح الملف
timeline-identity_checked = تم التحقق من الهوية
timeline-document_received = وصلت وثيقة
timeline-upload_refused = رُفض ملف
timeline-document_kept = حُفظت وثيقة في الملف
timeline-document_discarded = استُبعدت وثيقة
timeline-downloaded = نُزّلت وثيقة
timeline-signature_requested = طُلب توقيع
timeline-document_read = أُكّد الاطلاع على وثيقة
timeline-tan_sent = أُرسل رمز TAN
timeline-document_signed = وُقّعت وثيقة
timeline-document_sealed = خُتمت وثيقة إلكترونيًا
timeline-delivered = أُرسلت النتيجة
timeline-erased = حُذف الملف
timeline-by-citizen = المواطن
timeline-by-clerk = الموظف
timeline-by-system = النظام

## The appointment beside the clerk's call
appointment-title = الموعد
appointment-citizen = المواطن
appointment-service = الخدمة
appointment-when = الوقت
appointment-check = للتحقق

## Before joining: the device check
call-status-check = تحقّق من الكاميرا والميكروفون ومكبّر الصوت، ثم انضم.
prejoin-title = قبل الانضمام
prejoin-intro = تحقّق من أن الآخرين سيرونك ويسمعونك. يمكنك تغيير الكاميرا والميكروفون هنا.
prejoin-preview = الكاميرا الخاصة بك
prejoin-camera = الكاميرا
prejoin-mic = الميكروفون
prejoin-level = مستوى الميكروفون: تحدّث وراقب حركة الشريط
prejoin-speaker = اختبار مكبّر الصوت
prejoin-speaker-hint = من المفترض أن تسمع نغمتين قصيرتين. إن لم تسمعهما، فارفع مستوى الصوت أو اختر مكبّرات صوت أخرى من إعدادات جهازك.
prejoin-net-good = يبدو اتصالك جيدًا لمكالمة فيديو.
prejoin-net-fair = قد يكون اتصالك بطيئًا: قد تكون الصورة أقل وضوحًا. يساعد إيقاف التنزيلات الأخرى.
prejoin-net-poor = اتصالك ضعيف: قد تضطر المكالمة إلى الاستمرار بالصوت فقط. اقترب من جهاز توجيه Wi-Fi، أو استخدم شبكة أخرى إن أمكن.
prejoin-help-denied = لا يسمح متصفحك لهذه الصفحة باستخدام الكاميرا أو الميكروفون. انقر على رمز الكاميرا في شريط العنوان (على الهاتف: في إعدادات المتصفح لهذا الموقع)، واسمح بالكاميرا والميكروفون، ثم اضغط «إعادة المحاولة». يمكنك أيضًا الانضمام دونهما.
prejoin-help-missing = لم يُعثر على كاميرا أو ميكروفون. وصّل أحدهما واضغط «إعادة المحاولة»، أو انضم على أي حال: سترى الآخرين وتسمعهم ويمكنك الكتابة في الدردشة.
prejoin-help-busy = الكاميرا أو الميكروفون قيد الاستخدام من برنامج آخر. أغلقه (مثلًا مكالمة فيديو أخرى) واضغط «إعادة المحاولة».
prejoin-retry = إعادة المحاولة
prejoin-join = الانضمام إلى المكالمة
call-switch-camera = تبديل الكاميرا
## At the end of the call
finished-title = انتهت المكالمة
finished-next = الخطوات التالية
finished-no-docs = لا توجد وثائق من المكتب للتنزيل.
finished-mail = ستصلك أيضًا رسالة بريد إلكتروني تتضمن رابطًا إلى الوثائق الصادرة لك، مع بيان المدة التي يبقى فيها الرابط صالحًا. أما الوثائق المرسلة بالبريد فتصلك خلال أيام قليلة.
finished-console = العودة إلى لوحة التحكم
finished-rejoin = الانضمام إلى المكالمة مجددًا
## The clerk looks closely at an ID card (on this screen only)
inspect-title = صورة ثابتة
inspect-hint = على شاشتك فقط: لا تُحفظ الصورة ولا تُرسَل إلى أي مكان.
inspect-enlarge = تكبير
inspect-freeze = تثبيت الصورة
inspect-close = إلغاء الصورة الثابتة
## The guided identity check
identity-ask = الطلب من المواطن إظهار الوثيقة
identity-asked = طُلب من المواطن إظهار الوثيقة.
identity-progress-front = يُظهر المواطن الوجه الأمامي لبطاقة الهوية.
identity-progress-back = يُظهر المواطن الوجه الخلفي لبطاقة الهوية.
identity-progress-tilt = يُميل المواطن الوثيقة: تحقّق من الصورة المجسّمة (الهولوغرام).
identity-progress-photo = يُظهر المواطن صفحة الصورة في جواز السفر.
identity-progress-done = أظهر المواطن جميع الجوانب.
idcheck-title = أظهر وثيقة هويتك
idcheck-intro = يحتاج الموظف المختص إلى رؤية وثيقتك. قرّبها من الكاميرا في إضاءة جيدة، واتبع الخطوات.
idcheck-now = الآن:
idcheck-step-front = ضع الوجه الأمامي لبطاقة هويتك أمام الكاميرا بحيث يملأ معظم الصورة.
idcheck-step-back = اقلب البطاقة: أظهر الوجه الخلفي.
idcheck-step-tilt = أمِل الوثيقة ببطء ذهابًا وإيابًا حتى تلمع الصورة المجسّمة (الهولوغرام).
idcheck-step-photo = أظهر صفحة جواز سفرك التي تحمل صورتك.
idcheck-next = تم، الخطوة التالية
idcheck-done = شكرًا لك. يُرجى الانتظار ريثما يتحقق الموظف المختص من وثيقتك.
## Documents for guests, the clerk's note, the timeline
docs-share = إظهارها للضيوف
appointment-note = ملاحظة (للمكتب فقط)
appointment-note-save = حفظ الملاحظة
appointment-note-saved = تم الحفظ.
timeline-joined = انضم إلى المكالمة
timeline-left = غادر المكالمة
timeline-identity_requested = طُلبت وثيقة الهوية
timeline-document_shared = أُتيحت وثيقة للضيوف (أو أُلغيت إتاحتها)
timeline-by-guest = ضيف

## Fees in the call (payment)
pay-title = الرسوم
pay-title-citizen = المبلغ المستحق
pay-not-offered = الدفع الإلكتروني غير مُفعَّل لهذا المكتب.
pay-request = طلب الدفع
pay-requested = تم طلب الدفع.
pay-withdraw = سحب طلب الدفع
pay-withdrawn = تم سحب طلب الدفع.
pay-each = للوحدة
pay-quantity = الكمية
pay-total = الإجمالي
pay-choose = كيف تودّ الدفع؟
pay-new-tab = تُفتح صفحة الدفع في علامة تبويب جديدة. وتستمر المكالمة.
pay-money = { $amount } { $currency }
pay-state-requested = طُلب الدفع، ولم يبدأ بعد
pay-state-started = بدأ الدفع، ولم يكتمل بعد
pay-state-paid = مدفوع
pay-state-failed = فشل الدفع
pay-state-cancelled = أُلغي الدفع
pay-state-partially_refunded = مدفوع، واستُرد جزء منه
pay-state-refunded = مُسترَد
pay-way-xbezahldienste = الدفع عبر الإنترنت
pay-way-paypal = PayPal
pay-way-invoice = الدفع بفاتورة
pay-result-title = الدفع
pay-result-go = يجري تحويلك إلى صفحة الدفع.
pay-result-go-link = المتابعة إلى صفحة الدفع
pay-result-paid = شكرًا لك، لقد استلمنا دفعتك. يمكنك إغلاق علامة التبويب هذه ومتابعة المكالمة.
pay-result-cancelled = أُلغي الدفع. يمكنك إغلاق علامة التبويب هذه؛ ويمكنك المحاولة مرة أخرى في المكالمة.
pay-result-failed = لم يتم الدفع بنجاح. يمكنك إغلاق علامة التبويب هذه؛ ويمكنك اختيار طريقة أخرى في المكالمة.
pay-result-checking = نستعلم لدى خدمة الدفع عمّا إذا كانت دفعتك قد وصلت. تُحدَّث هذه الصفحة تلقائيًا.
pay-result-check-again = التحقق مجددًا الآن
pay-result-forbidden = هذا الرابط غير صالح (أو لم يعد صالحًا).
pay-result-unknown = هذه الدفعة غير موجودة.
pay-result-not_startable = لم يعد من الممكن بدء هذه الدفعة. يُرجى الاطلاع على حالتها في المكالمة.
pay-result-refused = الدفع الإلكتروني غير ممكن حاليًا. يُرجى إبلاغنا بذلك في المكالمة، وسنجد طريقة أخرى.
pay-result-unavailable = خدمة الدفع لا تستجيب حاليًا. يُرجى المحاولة مرة أخرى بعد قليل.
pay-result-close = يمكنك إغلاق علامة التبويب هذه.
error-payment-open = يوجد بالفعل طلب دفع مفتوح لهذا الموعد. اسحبه قبل طلب دفعة جديدة.
error-nothing-owed = خدمات هذا الموعد بدون رسوم: لا يوجد ما يجب دفعه.
error-payment-not-offered = طريقة الدفع هذه غير مُفعَّلة.
error-payment-unavailable = خدمة الدفع لا تستجيب حاليًا. يُرجى المحاولة مرة أخرى بعد قليل.
error-payment-refused = رفضت خدمة الدفع العملية. يُرجى اختيار طريقة أخرى.
fee-option-extra-copy = نسخة إضافية
timeline-payment_requested = طُلب الدفع
timeline-payment_started = بدأ الدفع
timeline-payment_state = تغيّرت حالة الدفع
timeline-payment_refused = رُفض إشعار الدفع
pay-result-invoice = الفاتورة في طريقها إلى عنوان بريدك الإلكتروني، وهي متاحة أيضًا ضمن وثائق موعدك. يمكنك إغلاق علامة التبويب هذه.
pdf-col-quantity = الكمية
pdf-col-description = الخدمة
pdf-col-unit = سعر الوحدة
pdf-col-amount = المبلغ
receipt-title = إيصال
receipt-paid-mark = مدفوع
receipt-payment = الدفعة
receipt-paid-on = تاريخ الدفع
receipt-way = طريقة الدفع
receipt-reference = مرجع خدمة الدفع
receipt-note = أُنشئ هذا الإيصال آليًا، وهو صالح دون توقيع.
receipt-file = إيصال
receipt-mail-subject = إيصالك بمبلغ { $amount }
receipt-mail-body = شكرًا لك، لقد وصلت دفعتك بمبلغ { $amount }. الإيصال متاح ضمن وثائق موعدك.
invoice-title = فاتورة
invoice-number = رقم الفاتورة
invoice-issued = تاريخ الفاتورة
invoice-due = تاريخ الاستحقاق
invoice-payment-heading = يُرجى تحويل المبلغ إلى
invoice-creditor = المستفيد
invoice-iban = IBAN
invoice-bic = BIC
invoice-amount = المبلغ
invoice-reference = المرجع
invoice-qr-label = GiroCode
invoice-qr-caption = امسح الرمز بتطبيقك المصرفي: تُملأ بيانات المستفيد والمبلغ والمرجع تلقائيًا.
invoice-file = فاتورة
invoice-mail-subject = فاتورتك رقم { $number } بمبلغ { $amount }
invoice-mail-body = إليك رابط فاتورتك رقم { $number }. يُرجى تحويل مبلغ { $amount } قبل { $due } إلى { $creditor }، IBAN { $iban }، مع ذكر المرجع { $reference }. يملأ رمز GiroCode الموجود على الفاتورة بيانات التحويل في تطبيقك المصرفي.
timeline-refund_requested = تم إجراء استرداد
cashbook-title = المدفوعات
cashbook-from = من
cashbook-to = إلى
cashbook-show = عرض
cashbook-csv = تنزيل بصيغة CSV
cashbook-by-state = حسب الحالة
cashbook-by-day = حسب اليوم
cashbook-by-service = حسب الخدمة
cashbook-key-by-state = الحالة
cashbook-key-by-day = اليوم
cashbook-key-by-service = الخدمة
cashbook-count = العدد
cashbook-sum = المجموع
cashbook-none = لا توجد مدفوعات في هذه الفترة.
cashbook-payments = المدفوعات بالتفصيل
cashbook-day = اليوم
cashbook-payment = الدفعة
cashbook-amount = المبلغ
cashbook-way = الطريقة
cashbook-actions = الإجراءات
cashbook-refunded = المبلغ المُسترَد:
cashbook-mark-paid = تعليم كمدفوعة
cashbook-refund = استرداد
cashbook-refund-amount = المبلغ
cashbook-refund-reason = السبب
cashbook-refund-reason-hint = يُحفظ في السجل ويُعرض للدافع عبر PayPal: يُرجى عدم إدخال بيانات شخصية.
cashbook-refund-reference = مرجع الاسترداد (منصة الدفع أو الخزينة)
cashbook-refused-mark = تعذّر تعليم الدفعة كمدفوعة.
cashbook-refused-not_paid = لا يمكن استرداد إلا دفعة مدفوعة.
cashbook-refused-amount = المبلغ فارغ أو أكبر من المبلغ المتبقي غير المُسترَد.
cashbook-refused-reason = يُرجى ذكر سبب (255 حرفًا كحد أقصى).
cashbook-refused-reference = لا تُجري خدمة الدفع هذه الاسترداد عبر واجهتها: يُرجى إجراء الاسترداد في بوابة العملاء الخاصة بها وإدخال مرجعها هنا.
cashbook-refused-provider = لم تُنفّذ خدمة الدفع الاسترداد. يُرجى المحاولة مرة أخرى لاحقًا.
statement-title = استيراد كشف حساب بنكي
statement-file = كشف الحساب البنكي (CAMT.053، XML)
statement-import = استيراد
statement-lines = قيود الكشف
statement-summary = عدد القيود: { $entries }، منها قيود دائنة: { $credits }. فواتير سُدّدت: { $matched }، أسطر لم تُطابَق: { $unmatched }.
statement-outcome = النتيجة
statement-reference = المرجع
statement-payer = الدافع
statement-remittance = بيان التحويل
statement-invoice = الفاتورة
statement-matched = سُدّدت الفاتورة
statement-debit = قيد مدين (غير مُطابَق)
statement-not_booked = لم يُقيَّد بعد
statement-reversal = دفعة مرتجعة: يُرجى التحقق
statement-duplicate = استُورد من قبل
statement-no_reference = بدون مرجع
statement-bad_check_digits = مرجع بأرقام تحقق خاطئة
statement-unknown_reference = مرجع غير معروف
statement-cancelled_invoice = الفاتورة ملغاة
statement-already_paid = الفاتورة مدفوعة من قبل
statement-currency_mismatch = عملة مختلفة
statement-amount_mismatch = مبلغ مختلف
statement-malformed = سطر غير مقروء
cashbook-refused-statement = الملف ليس كشف حساب بنكي مقروءًا بصيغة CAMT.053.
cashbook-refused-account = يخص كشف الحساب حسابًا غير الحساب الخاص بالفواتير.
admin-fee-options = خيارات الرسوم
admin-fee-options-hint = ما يمكن إضافته إلى الرسوم، مثل نسخة إضافية؛ ويختاره الموظف أثناء المكالمة. يأتي الاسم من النصوص (fee-option-<id>).
admin-fee-options-none = لا توجد خيارات.
admin-fee-option = المعرّف
admin-fee-option-id-hint = أحرف لاتينية صغيرة وأرقام وشرطات، مثل extra-copy
admin-fee-option-unit = سعر الوحدة
admin-fee-option-max = الحد الأقصى
admin-fee-option-save = حفظ الخيار
admin-fee-option-remove = إزالة
admin-fee-option-refused-id = يتكوّن المعرّف من أحرف لاتينية صغيرة وأرقام وشرطات (64 حرفًا كحد أقصى).
admin-fee-option-refused-unit = يُرجى إدخال سعر أكبر من 0، مثل 5.00.
admin-fee-option-refused-max = يجب أن يكون الحد الأقصى بين 1 و99 قطعة.
pay-send-invoice = إرسال فاتورة بدلًا من ذلك
