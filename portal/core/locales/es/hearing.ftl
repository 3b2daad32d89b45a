## Online hearing for administrative offences: the citizen's pages

hearing-login-title = Audiencia en línea en el procedimiento sancionador
hearing-login-intro = Con los datos de acceso de su escrito de audiencia puede ver aquí la acusación y las fotos de prueba, pronunciarse al respecto, indicar quién conducía el vehículo y enviar documentos.
hearing-case-number = Número de expediente
hearing-case-number-hint = Figura en la parte superior del escrito de audiencia, p. ej. OWI-2026-004711.
hearing-code = Código de acceso
hearing-code-hint = 20 caracteres en cinco grupos de cuatro, tal como aparecen impresos en el escrito de audiencia. Da igual que use mayúsculas o minúsculas.
hearing-login-submit = Iniciar sesión
hearing-qr-hint = También puede escanear el código QR del escrito de audiencia con la cámara de su teléfono móvil: así habrá iniciado sesión directamente.
hearing-error-summary = Hay un problema
hearing-error-typo = El código de acceso contiene un error tipográfico. Compárelo carácter por carácter con el escrito de audiencia.
hearing-error-refused = El número de expediente o el código de acceso no son correctos. Compruebe ambos datos en el escrito de audiencia.
hearing-error-throttled = Demasiados intentos. Espere { $minutes ->
    [one] un minuto
    [many] { $minutes } de minutos
   *[other] { $minutes } minutos
} y vuelva a intentarlo.
hearing-session-expired = Su sesión ha caducado. Vuelva a iniciar sesión.
hearing-expired-title = El plazo para la audiencia en línea ha vencido
hearing-expired-text = El plazo venció el { $date }. Ya no puede pronunciarse en línea. Puede seguir dirigiéndose por escrito a la oficina de multas; en ese caso, indique el número de expediente.
hearing-logout = Cerrar sesión
hearing-logged-out = Ha cerrado la sesión.

hearing-case-title = Audiencia relativa al expediente { $number }
hearing-deadline = Puede pronunciarse hasta el { $date }.
hearing-accusation = La acusación
hearing-offence = Hecho imputado
hearing-offence-note = La acusación figura aquí con las palabras textuales de la autoridad.
hearing-offence-code = Número de infracción
hearing-when = Fecha y hora de la infracción
hearing-when-value = { $date }, a las { $time }
hearing-place = Lugar de la infracción
hearing-plate = Matrícula
hearing-vehicle = Vehículo
hearing-legal-basis = Fundamento jurídico
hearing-sanction-warning_fine = Multa de advertencia
hearing-sanction-fine = Multa prevista
hearing-evidence = Fotos de prueba
hearing-evidence-alt = Foto de prueba { $n } de { $count }
hearing-evidence-none = No hay fotos de este caso.
hearing-evidence-open = Abrir la foto { $n } a tamaño completo

hearing-rights-title = Sus derechos
hearing-rights = Usted es libre de pronunciarse sobre la acusación o de no declarar sobre el asunto (§ 55 de la Ley de Infracciones Administrativas, OWiG). Puede consultar en cualquier momento a un abogado defensor o a una abogada defensora, también antes de pronunciarse. Los datos relativos a su persona deben ser correctos.
hearing-rights-original = El texto en alemán es el jurídicamente vinculante:
hearing-courtesy = Traducción de cortesía (no vinculante)

hearing-answer-title = Su respuesta
hearing-kind-legend = ¿Qué desea hacer?
hearing-kind-admit = Reconozco la infracción.
hearing-kind-admit-hint = Si se trata de una multa de advertencia, podrá pagarla a continuación aquí mismo.
hearing-kind-contest = Impugno la acusación.
hearing-kind-driver = Yo no conducía e indico quién conducía el vehículo.
hearing-statement = Su declaración
hearing-statement-hint = Si impugna la acusación, describa lo que ocurrió desde su punto de vista. En los demás casos, la declaración es opcional.
hearing-driver-legend = La persona que conducía
hearing-driver-name = Nombre y apellidos
hearing-street = Calle y número
hearing-postcode = Código postal
hearing-city = Localidad
hearing-country = País (código de país, p. ej. DE)
hearing-born-on = Fecha de nacimiento
hearing-correct-address = Mi dirección en el escrito de audiencia es incorrecta.
hearing-own-address-legend = Su dirección correcta
hearing-submit = Enviar respuesta
hearing-amend = Modificar respuesta
hearing-submitted = Su respuesta se recibió el { $date } a las { $time }.
hearing-amend-note = Puede modificar su respuesta hasta que venza el plazo; cuenta la última.
hearing-answer-admit = Infracción reconocida
hearing-answer-contest = Acusación impugnada
hearing-answer-driver = Se indicó quién conducía
hearing-processed = La oficina de multas ha incorporado su respuesta al expediente. Ya no es posible modificarla en línea.
hearing-past-deadline = El plazo ha vencido; ya no es posible hacer cambios.

hearing-problem-missing = Rellene «{ $field }».
hearing-problem-too-long = «{ $field }» es demasiado largo.
hearing-problem-invalid = «{ $field }» no tiene el formato correcto.
hearing-problem-kind = Elija qué desea hacer.
hearing-problem-postcode = Un código postal alemán tiene cinco cifras.
hearing-problem-born-on = La fecha de nacimiento debe ser anterior a hoy, y la persona debe haber tenido al menos 15 años en el momento de la infracción.

hearing-docs-title = Documentos
hearing-docs-hint = PDF, JPEG o PNG, como máximo { $mb } MB por archivo, hasta { $count } archivos.
hearing-docs-file = Archivo
hearing-docs-add = Enviar documento
hearing-docs-none = Todavía no ha enviado ningún documento.
hearing-docs-added = Se ha recibido «{ $name }».
hearing-docs-too-large = El archivo es demasiado grande (máximo { $mb } MB).
hearing-docs-type = Solo se aceptan archivos PDF, JPEG y PNG.
hearing-docs-too-many = Ya ha enviado el número máximo de documentos.
hearing-receipt = Descargar el acuse de recibo (PDF)

hearing-pay = Pagar ahora la multa de advertencia
hearing-paid = La multa de advertencia está pagada. Con ello, el asunto queda resuelto.

## The hearing's PDFs (letter, receipt)

hearing-letter-title = Audiencia en el procedimiento sancionador
hearing-letter-intro = Se le imputa la siguiente infracción administrativa. Puede pronunciarse al respecto hasta el { $date }; lo más sencillo es hacerlo en línea.
hearing-letter-how = Abra { $url } e introduzca el número de expediente y el código de acceso, o escanee el código QR.
hearing-letter-keep = Conserve este escrito: el código de acceso solo figura aquí.
hearing-receipt-title = Acuse de recibo de la audiencia en línea
hearing-receipt-intro = La oficina de multas ha recibido su respuesta relativa al expediente { $number }.
hearing-receipt-received = Recibida
hearing-receipt-documents = Documentos enviados
hearing-receipt-answer = Respuesta

## The office's pages

hearing-admin-title = Audiencias en línea
hearing-admin-filter = Mostrar
hearing-admin-filter-all = Todos
hearing-admin-filter-new = Con respuesta nueva
hearing-admin-filter-contested = Impugnados
hearing-admin-filter-driver = Se indicó quién conducía
hearing-admin-filter-paid = Pagados
hearing-admin-filter-unanswered = Sin respuesta
hearing-admin-filter-processed = Incorporados
hearing-admin-col-state = Estado
hearing-admin-col-answer = Respuesta
hearing-admin-col-received = Recibida
hearing-admin-col-deadline = Plazo
hearing-admin-col-sanction = Sanción
hearing-admin-none = No hay casos.
hearing-state-new = Sin respuesta
hearing-state-answered = Respondido
hearing-state-processed = Incorporado
hearing-admin-amended = modificada
hearing-admin-import = Importar casos
hearing-admin-import-file = Archivo (JSON Lines o CSV)
hearing-admin-import-photos = Fotos de prueba (JPEG o PNG)
hearing-admin-import-submit = Importar
hearing-admin-import-done = Importación: nuevos { $new }, modificados { $updated }, sin cambios { $unchanged }.
hearing-admin-import-refused = No se ha importado nada. Corrija el archivo y vuelva a enviarlo:
hearing-import-line = Línea { $line }: { $problem }
hearing-import-problem-syntax = no es un registro válido ({ $detail })
hearing-import-problem-missing = falta el campo { $detail }
hearing-import-problem-invalid = el campo { $detail } no es válido
hearing-import-problem-warning-fine-range = una multa de advertencia es de 5 a 55 euros
hearing-import-problem-deadline-before-offence = el plazo es anterior a la infracción
hearing-import-problem-duplicate = el mismo número de expediente ya figura en la línea { $detail }
hearing-import-problem-evidence-missing = falta la foto { $detail }
hearing-import-problem-evidence-not-image = { $detail } no es un JPEG ni un PNG
hearing-import-problem-already-answered = el caso ya tiene respuesta y no puede modificarse
hearing-import-problem-missing-column = falta la columna { $detail }
hearing-admin-letters = Imprimir escritos de audiencia ({ $count } sin escrito de audiencia)
hearing-admin-letter-one = Emitir un nuevo escrito de audiencia (el código de acceso anterior deja de ser válido)
hearing-admin-export-zip = Exportar respuestas (ZIP: JSON, CSV, PDF)
hearing-admin-export-json = Exportar respuestas (JSON)
hearing-admin-export-csv = Exportar respuestas (CSV)
hearing-admin-mark-processed = Marcar como incorporado
hearing-admin-processed-done = { $count ->
    [one] Se ha marcado un caso como incorporado.
    [many] Se han marcado { $count } de casos como incorporados.
   *[other] Se han marcado { $count } casos como incorporados.
}
hearing-admin-sources = Sistemas de importación
hearing-admin-source-name = Nombre del sistema
hearing-admin-source-add = Añadir sistema
hearing-admin-source-token = Token para { $name } (solo se muestra ahora):
hearing-admin-case = Caso { $number }
hearing-admin-audit = Registro
hearing-admin-uploads = Documentos del ciudadano o la ciudadana
hearing-admin-erased = Se han eliminado los datos personales de este caso.
