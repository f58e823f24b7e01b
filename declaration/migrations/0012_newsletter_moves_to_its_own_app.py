"""The newsletter's models move to the newsletter app.

Only Django's record of the models changes here: the tables, their rows and constraints stay
where they are, and ``newsletter``'s first migration takes the same models over, tables and all
(each keeps its name through ``db_table``).
"""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("declaration", "0011_newsletter_approval"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.DeleteModel(name="NewsletterDelivery"),
                migrations.DeleteModel(name="NewsletterIssue"),
                migrations.DeleteModel(name="NewsletterTestGroup"),
                migrations.DeleteModel(name="Subscriber"),
            ],
            database_operations=[],
        ),
    ]
