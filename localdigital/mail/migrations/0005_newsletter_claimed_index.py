"""An index on when newsletter email was claimed, for the sweep's check that the stream moves.

Built concurrently, so the outbox keeps taking writes while it is made.
"""

from django.contrib.postgres.operations import AddIndexConcurrently
from django.db import migrations, models


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("mail", "0004_held_cancelled_and_stream_throttle"),
    ]

    operations = [
        AddIndexConcurrently(
            model_name="outgoingemail",
            index=models.Index(
                condition=models.Q(("stream", "newsletter")),
                fields=["sending_started_at"],
                name="mail_newsletter_claimed_idx",
            ),
        ),
    ]
