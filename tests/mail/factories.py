import factory
from django.utils import timezone

from localdigital.mail.models import (
    EmailStatus,
    OutgoingEmail,
    Stream,
    Suppression,
    SuppressionReason,
    message_id_for,
)


class OutgoingEmailFactory(factory.django.DjangoModelFactory):
    """A queued email; ``sending``, ``sent`` and ``failed`` for the other states.

    ``sensitive=True`` makes a sign-in email, whose body holds a secret link.
    """

    class Meta:
        model = OutgoingEmail

    recipient = factory.Sequence(lambda n: f"officer{n}@borsetshire.gov.uk")
    subject = factory.Sequence(lambda n: f"Local Digital Fund: your application {n}")
    body_text = "Thank you for your application to the Local Digital Fund."
    stream = Stream.TRANSACTIONAL
    idempotency_key = factory.Sequence(lambda n: f"tests.mail.email.{n}")
    message_id = factory.LazyAttribute(lambda email: message_id_for(email.idempotency_key))
    status = EmailStatus.QUEUED

    class Params:
        newsletter = factory.Trait(stream=Stream.NEWSLETTER)
        sensitive = factory.Trait(
            is_sensitive=True,
            subject="Your Local Digital sign-in link",
            body_text=factory.LazyAttribute(
                lambda email: (
                    "Sign in: http://testserver/account/sign-in/link/"
                    f"?token=secret-{email.idempotency_key}"
                )
            ),
            body_html=factory.LazyAttribute(
                lambda email: (
                    '<a href="http://testserver/account/sign-in/link/'
                    f'?token=secret-{email.idempotency_key}">Sign in</a>'
                )
            ),
        )
        sending = factory.Trait(
            status=EmailStatus.SENDING,
            attempts=1,
            sending_started_at=factory.LazyFunction(timezone.now),
        )
        sent = factory.Trait(
            status=EmailStatus.SENT,
            attempts=1,
            sending_started_at=factory.LazyFunction(timezone.now),
            sent_at=factory.LazyFunction(timezone.now),
        )
        failed = factory.Trait(
            status=EmailStatus.FAILED,
            attempts=1,
            sending_started_at=factory.LazyFunction(timezone.now),
            failed_at=factory.LazyFunction(timezone.now),
            last_error="SMTP recipient refused: 550 5.1.1 No such user",
        )


class SuppressionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Suppression

    email = factory.Sequence(lambda n: f"bounced{n}@borsetshire.gov.uk")
    reason = SuppressionReason.HARD_BOUNCE
