"""The signal the outbox sends when emails are finished, for the senders of many emails.

The outbox imports no domain app, so a sender that follows its emails (a newsletter issue,
which is sent once its last email is) connects a receiver here instead. A receiver only
hands the ids to a service of its own app: what happens next is that service's rule.
"""

from django.dispatch import Signal

# Sent once emails have reached a state they leave only if staff retry them (sent, or
# failed: suppressed, refused, or out of attempts), after that state is committed. Its
# argument is ``email_ids``, a list. Receivers are called with ``send_robust``: an error in
# one is logged, and neither stops the others nor undoes the send.
emails_finished = Signal()
