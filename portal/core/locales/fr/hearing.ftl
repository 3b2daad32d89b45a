## Online hearing for administrative offences: the citizen's pages

hearing-login-title = Audition en ligne dans la procédure d'amende
hearing-login-intro = Avec les identifiants figurant sur votre formulaire d'audition, vous pouvez consulter ici les faits qui vous sont reprochés et les photos servant de preuve, y répondre, désigner la personne qui conduisait et envoyer des documents.
hearing-case-number = Numéro de dossier
hearing-case-number-hint = Il figure en haut du formulaire d'audition, par exemple OWI-2026-004711.
hearing-code = Code d'accès
hearing-code-hint = 20 caractères en cinq groupes de quatre, tels qu'imprimés sur le formulaire d'audition. Les majuscules et les minuscules n'ont pas d'importance.
hearing-login-submit = Se connecter
hearing-qr-hint = Vous pouvez aussi scanner le code QR du formulaire d'audition avec l'appareil photo de votre smartphone : la connexion se fait alors directement.
hearing-error-summary = Un problème est survenu
hearing-error-typo = Le code d'accès contient une faute de frappe. Veuillez le comparer caractère par caractère avec le formulaire d'audition.
hearing-error-refused = Le numéro de dossier ou le code d'accès est incorrect. Veuillez vérifier ces deux indications sur le formulaire d'audition.
hearing-error-throttled = Trop de tentatives. Veuillez patienter { $minutes ->
    [one] une minute
   *[other] { $minutes } minutes
} puis réessayer.
hearing-session-expired = Votre session a expiré. Veuillez vous reconnecter.
hearing-expired-title = Le délai de l'audition en ligne est écoulé
hearing-expired-text = Le délai a expiré le { $date }. Vous ne pouvez plus répondre en ligne. Vous pouvez toujours vous adresser par écrit au service des amendes ; veuillez alors indiquer le numéro de dossier.
hearing-logout = Se déconnecter
hearing-logged-out = Vous êtes déconnecté.

hearing-case-title = Audition relative au dossier { $number }
hearing-deadline = Vous pouvez répondre jusqu'au { $date }.
hearing-accusation = Les faits reprochés
hearing-offence = Infraction reprochée
hearing-offence-note = Les faits reprochés sont reproduits ici dans les termes de l'autorité.
hearing-offence-code = Code de l'infraction
hearing-when = Date et heure de l'infraction
hearing-when-value = { $date } à { $time }
hearing-place = Lieu de l'infraction
hearing-plate = Numéro d'immatriculation
hearing-vehicle = Véhicule
hearing-legal-basis = Base juridique
hearing-sanction-warning_fine = Amende d'avertissement
hearing-sanction-fine = Amende prévisible
hearing-evidence = Photos servant de preuve
hearing-evidence-alt = Photo de preuve { $n } sur { $count }
hearing-evidence-none = Il n'y a pas de photos pour ce dossier.
hearing-evidence-open = Ouvrir la photo { $n } en taille réelle

hearing-rights-title = Vos droits
hearing-rights = Vous êtes libre de vous exprimer sur l'accusation ou de ne faire aucune déclaration sur les faits (§ 55 de la loi allemande sur les infractions administratives, OWiG). Vous pouvez à tout moment, y compris avant de vous exprimer, consulter un défenseur ou une défenseure. Les indications relatives à votre identité doivent être exactes.
hearing-rights-original = Seul le texte allemand fait foi :
hearing-courtesy = Traduction de courtoisie (sans valeur juridique)

hearing-answer-title = Votre réponse
hearing-kind-legend = Que souhaitez-vous faire ?
hearing-kind-admit = Je reconnais l'infraction.
hearing-kind-admit-hint = S'il s'agit d'une amende d'avertissement, vous pourrez ensuite la payer directement ici.
hearing-kind-contest = Je conteste les faits reprochés.
hearing-kind-driver = Je ne conduisais pas et je désigne la personne qui conduisait.
hearing-statement = Votre déclaration
hearing-statement-hint = Si vous contestez les faits reprochés : décrivez ce qui s'est passé de votre point de vue. Sinon, elle est facultative.
hearing-driver-legend = La personne qui conduisait
hearing-driver-name = Prénom et nom
hearing-street = Rue et numéro
hearing-postcode = Code postal
hearing-city = Localité
hearing-country = Pays (code pays, par exemple DE)
hearing-born-on = Date de naissance
hearing-correct-address = Mon adresse sur le formulaire d'audition est erronée.
hearing-own-address-legend = Votre adresse exacte
hearing-submit = Envoyer la réponse
hearing-amend = Modifier la réponse
hearing-submitted = Votre réponse a été reçue le { $date } à { $time }.
hearing-amend-note = Vous pouvez modifier votre réponse jusqu'à l'expiration du délai ; c'est la dernière qui compte.
hearing-answer-admit = Infraction reconnue
hearing-answer-contest = Faits contestés
hearing-answer-driver = Conducteur désigné
hearing-processed = Le service des amendes a pris en compte votre réponse. Aucune modification n'est plus possible en ligne.
hearing-past-deadline = Le délai est écoulé ; aucune modification n'est plus possible.

hearing-problem-missing = Veuillez remplir « { $field } ».
hearing-problem-too-long = « { $field } » est trop long.
hearing-problem-invalid = « { $field } » n'est pas au bon format.
hearing-problem-kind = Veuillez choisir ce que vous souhaitez faire.
hearing-problem-postcode = Un code postal allemand comporte cinq chiffres.
hearing-problem-born-on = La date de naissance doit se situer dans le passé, et la personne devait avoir au moins 15 ans au moment de l'infraction.

hearing-docs-title = Documents
hearing-docs-hint = PDF, JPEG ou PNG, { $mb } MB au maximum par fichier, jusqu'à { $count } fichiers.
hearing-docs-file = Fichier
hearing-docs-add = Envoyer le document
hearing-docs-none = Vous n'avez encore envoyé aucun document.
hearing-docs-added = « { $name } » a bien été reçu.
hearing-docs-too-large = Le fichier est trop volumineux ({ $mb } MB au maximum).
hearing-docs-type = Seuls les fichiers PDF, JPEG et PNG sont acceptés.
hearing-docs-too-many = Vous avez déjà envoyé le nombre maximal de documents.
hearing-receipt = Télécharger l'accusé de réception (PDF)

hearing-pay = Payer maintenant l'amende d'avertissement
hearing-paid = L'amende d'avertissement est payée. L'affaire est ainsi close.

## The hearing's PDFs (letter, receipt)

hearing-letter-title = Audition dans la procédure d'amende
hearing-letter-intro = L'infraction administrative suivante vous est reprochée. Vous pouvez y répondre jusqu'au { $date }, le plus simplement en ligne.
hearing-letter-how = Ouvrez { $url } et saisissez le numéro de dossier et le code d'accès, ou scannez le code QR.
hearing-letter-keep = Conservez ce courrier : le code d'accès ne figure que sur celui-ci.
hearing-receipt-title = Accusé de réception de l'audition en ligne
hearing-receipt-intro = Votre réponse relative au dossier { $number } est parvenue au service des amendes.
hearing-receipt-received = Date de réception
hearing-receipt-documents = Documents envoyés
hearing-receipt-answer = Réponse

## The office's pages

hearing-admin-title = Auditions en ligne
hearing-admin-filter = Afficher
hearing-admin-filter-all = Tous
hearing-admin-filter-new = Nouvelles réponses
hearing-admin-filter-contested = Contestés
hearing-admin-filter-driver = Conducteur désigné
hearing-admin-filter-paid = Payés
hearing-admin-filter-unanswered = Sans réponse
hearing-admin-filter-processed = Pris en compte
hearing-admin-col-state = État
hearing-admin-col-answer = Réponse
hearing-admin-col-received = Date de réception
hearing-admin-col-deadline = Délai
hearing-admin-col-sanction = Sanction
hearing-admin-none = Aucun dossier.
hearing-state-new = Sans réponse
hearing-state-answered = Réponse reçue
hearing-state-processed = Pris en compte
hearing-admin-amended = modifiée
hearing-admin-import = Importer des dossiers
hearing-admin-import-file = Fichier (JSON Lines ou CSV)
hearing-admin-import-photos = Photos de preuve (JPEG ou PNG)
hearing-admin-import-submit = Importer
hearing-admin-import-done = Importation – nouveaux : { $new }, modifiés : { $updated }, inchangés : { $unchanged }.
hearing-admin-import-refused = Rien n'a été importé. Veuillez corriger le fichier et l'envoyer à nouveau :
hearing-import-line = Ligne { $line } : { $problem }
hearing-import-problem-syntax = enregistrement non valide ({ $detail })
hearing-import-problem-missing = le champ { $detail } manque
hearing-import-problem-invalid = le champ { $detail } n'est pas valide
hearing-import-problem-warning-fine-range = une amende d'avertissement est comprise entre 5 et 55 euros
hearing-import-problem-deadline-before-offence = le délai se situe avant l'infraction
hearing-import-problem-duplicate = le même numéro de dossier figure déjà à la ligne { $detail }
hearing-import-problem-evidence-missing = la photo { $detail } manque
hearing-import-problem-evidence-not-image = { $detail } n'est pas un fichier JPEG ou PNG
hearing-import-problem-already-answered = le dossier a déjà reçu une réponse et ne peut plus être modifié
hearing-import-problem-missing-column = la colonne { $detail } manque
hearing-admin-letters = Imprimer les formulaires d'audition ({ $count } sans formulaire d'audition)
hearing-admin-letter-one = Établir un nouveau formulaire d'audition (l'ancien code d'accès ne sera plus valable)
hearing-admin-export-zip = Exporter les réponses (ZIP: JSON, CSV, PDF)
hearing-admin-export-json = Exporter les réponses (JSON)
hearing-admin-export-csv = Exporter les réponses (CSV)
hearing-admin-mark-processed = Marquer comme pris en compte
hearing-admin-processed-done = { $count ->
    [one] { $count } dossier est marqué comme pris en compte.
   *[other] { $count } dossiers sont marqués comme pris en compte.
}
hearing-admin-sources = Systèmes d'importation
hearing-admin-source-name = Nom du système
hearing-admin-source-add = Ajouter un système
hearing-admin-source-token = Jeton pour { $name } (affiché uniquement maintenant) :
hearing-admin-case = Dossier { $number }
hearing-admin-audit = Journal
hearing-admin-uploads = Documents de l'usager
hearing-admin-erased = Les données personnelles de ce dossier ont été supprimées.
