"""Emails a sender holds (a paused newsletter) or cancels, and the throttle of each stream."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("mail", "0003_outgoingemail_is_sensitive"),
    ]

    operations = [
        migrations.CreateModel(
            name="StreamThrottle",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "stream",
                    models.CharField(
                        choices=[("transactional", "Transactional"), ("newsletter", "Newsletter")],
                        max_length=20,
                        unique=True,
                    ),
                ),
                ("tokens", models.FloatField()),
                ("refilled_at", models.DateTimeField()),
            ],
            options={
                "verbose_name": "stream throttle",
            },
        ),
        migrations.AlterField(
            model_name="outgoingemail",
            name="status",
            field=models.CharField(
                choices=[
                    ("queued", "Queued"),
                    ("sending", "Sending"),
                    ("sent", "Sent"),
                    ("failed", "Failed"),
                    ("held", "Held"),
                    ("cancelled", "Cancelled"),
                ],
                db_index=True,
                default="queued",
                max_length=10,
            ),
        ),
    ]
