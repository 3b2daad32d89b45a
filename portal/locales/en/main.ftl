site-name = Virtual Citizens' Office
skip-to-content = Skip to content
language = Language
footer-text = A service of your city administration. No account, no software needed.
back-home = Back to the start page

weekday-mon = Monday
weekday-tue = Tuesday
weekday-wed = Wednesday
weekday-thu = Thursday
weekday-fri = Friday
weekday-sat = Saturday
weekday-sun = Sunday

index-title = Book an appointment at the virtual citizens' office
index-intro = Settle your matter by video call from home: all you need is a device with camera, microphone and internet access. Choose your matter.
service-duration = { $minutes } minutes
service-fee-free = free of charge
service-fee = Fee: € { $amount }
choose-service = Choose a time

service-wohnsitzummeldung = Change of address
service-wohnsitzummeldung-desc = Moving within the city or from elsewhere in Germany. Have your ID card and the landlord's confirmation ready.
service-meldebescheinigung = Certificate of registration
service-meldebescheinigung-desc = Confirmation of your current address. Have your ID card ready.
service-fuehrungszeugnis = Certificate of good conduct
service-fuehrungszeugnis-desc = Application for a certificate of good conduct from the Federal Office of Justice. Have your ID card ready.
service-lebensbescheinigung = Life certificate
service-lebensbescheinigung-desc = Confirmation for pension offices. Have your ID card and the form ready.

book-title = Book: { $service }
book-choose-slot = Choose a free time
book-no-slots = No times are free at the moment. Please check again later.
book-your-details = Your details
book-name = First and last name
book-email = E-mail address
book-email-hint = We send the confirmation with the link to the video call to this address.
book-submit = Book now
book-privacy = We keep your details only for this appointment and delete them afterwards.
book-time = { $time }

error-summary = Please correct the following:
error-name = Please enter your name (at most 100 characters).
error-email = Please enter a valid e-mail address.
error-choose-slot = Please choose a time.
error-slot-taken = This time was just taken. Please choose another one.
error-no-such-slot = This time is not on offer. Please choose one from the list.

booked-title = Your appointment is booked
booked-text = { $service }: { $date } at { $time }.
booked-mail-sent = We have sent you an e-mail with the link to the video call. Open the link shortly before your appointment.

mail-subject = Your appointment at the virtual citizens' office: { $service } on { $date }
mail-greeting = Hello { $name },
mail-body = Your appointment "{ $service }" is booked for { $date } at { $time }.
mail-join = Join the video call with this link (do not share it):
mail-documents = Please have ready:
mail-footer = You need no software and no account – just a current browser with camera and microphone.

call-title = Video call
call-intro = Please allow access to your camera and microphone.
call-you = You
call-remote = Other participant
call-quality-own-poor = Your connection is weak: your voice may break up. Move closer to the Wi-Fi or stop other downloads.
call-quality-other-poor = weak connection, speech may break up.
call-status-starting = Starting camera and microphone …
call-status-connecting = Connecting …
call-status-waiting = Connected. Please wait for the other participant to join.
call-status-connected = You are in the call.
call-status-left = You have left the call.
call-status-other-left = The other participant has left the call.
call-status-error = The connection failed. Please reload the page.
call-status-camera-denied = A video call needs access to camera and microphone. Please allow access and reload the page.
call-status-reconnecting = Connection interrupted: reconnecting… The call continues.
call-status-other-reconnecting = The other participant's connection was interrupted; they are reconnecting.
call-status-server-closed = The server is restarting. Please reload the page in a minute.
call-mute = Mute microphone
call-unmute = Unmute microphone
call-camera-off = Turn camera off
call-camera-on = Turn camera on
call-leave = End call

chat-title = Chat
chat-label = Write a message
chat-send = Send
chat-you = You
chat-delivered = delivered
chat-alone = nobody else in the call yet

clerk-login-title = Clerk sign-in
clerk-username = User name
clerk-password = Password
clerk-login-submit = Sign in
clerk-login-failed = User name or password is wrong.
clerk-console-title = Appointments from today
clerk-signed-in = Signed in as { $name }
clerk-no-bookings = No appointments are booked from today on.
clerk-date = Date
clerk-time = Time
clerk-service = Matter
clerk-citizen = Citizen
clerk-action = Action
clerk-join = Open call
clerk-logout = Sign out

error-title = That did not work
error-not-found = This page does not exist.
error-link-invalid = This link is not valid, or the appointment was cancelled.
error-internal = An internal error occurred. Please try again later.
error-login-required = Please sign in.
