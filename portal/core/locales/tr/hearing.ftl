## Online hearing for administrative offences: the citizen's pages

hearing-login-title = İdari para cezası işleminde çevrimiçi ifade verme
hearing-login-intro = İfade formunuzdaki erişim bilgileriyle burada size yöneltilen isnadı ve delil fotoğraflarını görebilir, bu konuda beyanda bulunabilir, aracı kullanan kişiyi bildirebilir ve belge gönderebilirsiniz.
hearing-case-number = Dosya numarası
hearing-case-number-hint = İfade formunun üst kısmında yazılıdır, örneğin OWI-2026-004711.
hearing-code = Erişim kodu
hearing-code-hint = İfade formunda basılı olduğu gibi, dörder karakterlik beş grup hâlinde 20 karakter. Büyük veya küçük harf fark etmez.
hearing-login-submit = Giriş yap
hearing-qr-hint = İfade formundaki QR kodunu akıllı telefonunuzun kamerasıyla da tarayabilirsiniz: Böylece doğrudan giriş yapmış olursunuz.
hearing-error-summary = Bir sorun var
hearing-error-typo = Erişim kodunda bir yazım hatası var. Lütfen kodu ifade formuyla karakter karakter karşılaştırın.
hearing-error-refused = Dosya numarası veya erişim kodu doğru değil. Lütfen her iki bilgiyi de ifade formundan kontrol edin.
hearing-error-throttled = Çok fazla deneme yapıldı. Lütfen { $minutes ->
    [one] bir dakika
   *[other] { $minutes } dakika
} bekleyin ve ardından tekrar deneyin.
hearing-session-expired = Oturumunuzun süresi doldu. Lütfen yeniden giriş yapın.
hearing-expired-title = Çevrimiçi ifade verme süresi doldu
hearing-expired-text = Süre { $date } tarihinde sona erdi. Artık çevrimiçi beyanda bulunamazsınız. Para cezaları birimine yazılı olarak başvurmaya devam edebilirsiniz; lütfen bu sırada dosya numarasını belirtin.
hearing-logout = Çıkış yap
hearing-logged-out = Çıkış yaptınız.

hearing-case-title = { $number } numaralı dosyaya ilişkin ifade
hearing-deadline = { $date } tarihine kadar beyanda bulunabilirsiniz.
hearing-accusation = Size yöneltilen isnat
hearing-offence = İsnat edilen fiil
hearing-offence-note = İsnat burada makamın kendi sözleriyle yer almaktadır.
hearing-offence-code = Fiil numarası
hearing-when = Fiil zamanı
hearing-when-value = { $date }, saat { $time }
hearing-place = Fiil yeri
hearing-plate = Plaka
hearing-vehicle = Araç
hearing-legal-basis = Yasal dayanak
hearing-sanction-warning_fine = Uyarı para cezası
hearing-sanction-fine = Öngörülen para cezası
hearing-evidence = Delil fotoğrafları
hearing-evidence-alt = Delil fotoğrafı { $n } / { $count }
hearing-evidence-none = Bu dosyaya ait fotoğraf bulunmuyor.
hearing-evidence-open = { $n }. fotoğrafı tam boyutta aç

hearing-rights-title = Haklarınız
hearing-rights = İsnat hakkında beyanda bulunmakta veya konu hakkında hiçbir açıklama yapmamakta serbestsiniz (§ 55 Kabahatler Kanunu, OWiG). Her zaman, beyanda bulunmadan önce de, bir müdafiye (avukata) danışabilirsiniz. Kimliğinize ilişkin verdiğiniz bilgilerin doğru olması zorunludur.
hearing-rights-original = Hukuken bağlayıcı olan Almanca metindir:
hearing-courtesy = Bağlayıcı olmayan çeviri

hearing-answer-title = Beyanınız
hearing-kind-legend = Ne yapmak istiyorsunuz?
hearing-kind-admit = İhlali kabul ediyorum.
hearing-kind-admit-hint = Uyarı para cezasını ardından doğrudan burada ödeyebilirsiniz.
hearing-kind-contest = İsnada itiraz ediyorum.
hearing-kind-driver = Aracı ben kullanmadım; aracı kullanan kişiyi bildiriyorum.
hearing-statement = Açıklamanız
hearing-statement-hint = İsnada itiraz ediyorsanız: Olayı kendi bakış açınızdan anlatın. Diğer durumlarda açıklama isteğe bağlıdır.
hearing-driver-legend = Aracı kullanan kişi
hearing-driver-name = Adı ve soyadı
hearing-street = Cadde/sokak ve kapı numarası
hearing-postcode = Posta kodu
hearing-city = Yerleşim yeri
hearing-country = Ülke (ülke kodu, örneğin DE)
hearing-born-on = Doğum tarihi
hearing-correct-address = İfade formundaki adresim yanlış.
hearing-own-address-legend = Doğru adresiniz
hearing-submit = Beyanı gönder
hearing-amend = Beyanı değiştir
hearing-submitted = Beyanınız bize ulaştı: { $date }, saat { $time }.
hearing-amend-note = Süre dolana kadar beyanınızı değiştirebilirsiniz; en son gönderdiğiniz beyan geçerlidir.
hearing-answer-admit = İhlal kabul edildi
hearing-answer-contest = İsnada itiraz edildi
hearing-answer-driver = Sürücü bildirildi
hearing-processed = Para cezaları birimi beyanınızı işleme aldı. Artık çevrimiçi değişiklik yapılamaz.
hearing-past-deadline = Süre doldu; artık değişiklik yapılamaz.

hearing-problem-missing = Lütfen “{ $field }” alanını doldurun.
hearing-problem-too-long = “{ $field }” çok uzun.
hearing-problem-invalid = “{ $field }” doğru biçimde değil.
hearing-problem-kind = Lütfen ne yapmak istediğinizi seçin.
hearing-problem-postcode = Alman posta kodları beş rakamdan oluşur.
hearing-problem-born-on = Doğum tarihi geçmişte olmalı ve kişi fiil zamanında en az 15 yaşında olmalıdır.

hearing-docs-title = Belgeler
hearing-docs-hint = PDF, JPEG veya PNG; dosya başına en fazla { $mb } MB, en fazla { $count } dosya.
hearing-docs-file = Dosya
hearing-docs-add = Belge gönder
hearing-docs-none = Henüz belge göndermediniz.
hearing-docs-added = “{ $name }” alındı.
hearing-docs-too-large = Dosya çok büyük (en fazla { $mb } MB).
hearing-docs-type = Yalnızca PDF, JPEG ve PNG kabul edilir.
hearing-docs-too-many = Gönderilebilecek en fazla sayıda belgeyi zaten gönderdiniz.
hearing-receipt = Alındı belgesini indir (PDF)

hearing-pay = Uyarı para cezasını şimdi öde
hearing-paid = Uyarı para cezası ödendi. Böylece konu kapanmıştır.

## The hearing's PDFs (letter, receipt)

hearing-letter-title = İdari para cezası işleminde ifade verme
hearing-letter-intro = Size aşağıdaki kabahat isnat edilmektedir. { $date } tarihine kadar bu konuda beyanda bulunabilirsiniz; bunun en kolay yolu çevrimiçidir.
hearing-letter-how = { $url } adresini açın ve dosya numarasıyla erişim kodunu girin ya da QR kodunu tarayın.
hearing-letter-keep = Bu yazıyı saklayın: Erişim kodu yalnızca burada yazılıdır.
hearing-receipt-title = Çevrimiçi ifade verme alındı belgesi
hearing-receipt-intro = { $number } numaralı dosyaya ilişkin beyanınız para cezaları birimine ulaşmıştır.
hearing-receipt-received = Alınma zamanı
hearing-receipt-documents = Gönderilen belgeler
hearing-receipt-answer = Beyan

## The office's pages

hearing-admin-title = Çevrimiçi ifadeler
hearing-admin-filter = Göster
hearing-admin-filter-all = Tümü
hearing-admin-filter-new = Yeni yanıtlananlar
hearing-admin-filter-contested = İtiraz edilenler
hearing-admin-filter-driver = Sürücüsü bildirilenler
hearing-admin-filter-paid = Ödenenler
hearing-admin-filter-unanswered = Yanıtsız
hearing-admin-filter-processed = İşleme alınanlar
hearing-admin-col-state = Durum
hearing-admin-col-answer = Beyan
hearing-admin-col-received = Alınma zamanı
hearing-admin-col-deadline = Son tarih
hearing-admin-col-sanction = Yaptırım
hearing-admin-none = Vaka yok.
hearing-state-new = Yanıtsız
hearing-state-answered = Yanıtlandı
hearing-state-processed = İşleme alındı
hearing-admin-amended = değiştirildi
hearing-admin-import = Vakaları içe aktar
hearing-admin-import-file = Dosya (JSON Lines veya CSV)
hearing-admin-import-photos = Delil fotoğrafları (JPEG veya PNG)
hearing-admin-import-submit = İçe aktar
hearing-admin-import-done = İçe aktarma: { $new } yeni, { $updated } değiştirildi, { $unchanged } değişmedi.
hearing-admin-import-refused = Hiçbir şey içe aktarılmadı. Lütfen dosyayı düzeltip yeniden gönderin:
hearing-import-line = Satır { $line }: { $problem }
hearing-import-problem-syntax = geçerli bir kayıt değil ({ $detail })
hearing-import-problem-missing = { $detail } alanı eksik
hearing-import-problem-invalid = { $detail } alanı geçersiz
hearing-import-problem-warning-fine-range = uyarı para cezası 5 ile 55 avro arasındadır
hearing-import-problem-deadline-before-offence = son tarih fiil tarihinden önce
hearing-import-problem-duplicate = aynı dosya numarası { $detail }. satırda zaten var
hearing-import-problem-evidence-missing = { $detail } fotoğrafı eksik
hearing-import-problem-evidence-not-image = { $detail } bir JPEG veya PNG dosyası değil
hearing-import-problem-already-answered = vaka zaten yanıtlanmış, artık değiştirilemez
hearing-import-problem-missing-column = { $detail } sütunu eksik
hearing-admin-letters = İfade formlarını yazdır (ifade formu olmayan: { $count })
hearing-admin-letter-one = Yeni ifade formu düzenle (önceki erişim kodu geçersiz olur)
hearing-admin-export-zip = Yanıtları dışa aktar (ZIP: JSON, CSV, PDF)
hearing-admin-export-json = Yanıtları dışa aktar (JSON)
hearing-admin-export-csv = Yanıtları dışa aktar (CSV)
hearing-admin-mark-processed = İşleme alındı olarak işaretle
hearing-admin-processed-done = { $count ->
    [one] Bir vaka işleme alındı olarak işaretlendi.
   *[other] { $count } vaka işleme alındı olarak işaretlendi.
}
hearing-admin-sources = İçe aktaran sistemler
hearing-admin-source-name = Sistemin adı
hearing-admin-source-add = Sistem ekle
hearing-admin-source-token = { $name } için token (yalnızca şimdi gösterilir):
hearing-admin-case = Vaka { $number }
hearing-admin-audit = İşlem günlüğü
hearing-admin-uploads = Vatandaşın belgeleri
hearing-admin-erased = Bu vakanın kişisel verileri silinmiştir.
