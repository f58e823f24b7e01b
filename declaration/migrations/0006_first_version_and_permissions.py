"""The Declaration's first version, as published on 4 July 2018 (in the project's own words),
and the staff groups' permissions on signings."""

import datetime

from django.db import migrations

from localdigital.accounts.group_permissions import grant_to_groups

FIRST_VERSION = """\
The Local Digital Declaration is a promise that councils and other public bodies make to each \
other. They agree to build public services that work better for people, cost less to change \
and are open for others to reuse.

The Declaration was launched on 4 July 2018. It had 45 co-publishers: councils, sector bodies \
and central government departments, including the Government Digital Service (GDS) and the \
Ministry of Housing, Communities and Local Government (MHCLG).

Any council or public body can sign it. Signing is a public statement that your organisation \
will follow the 5 principles on this page, and will keep the commitments that go with them.

## The 5 principles

### 1. Redesign services around the needs of the people using them

We start with the people who use a service, not with our own structures or systems. We find \
out what they need, test our ideas with them, and keep improving the service once it is live.

### 2. “Fix our plumbing”

Too many services depend on inflexible and expensive technology that does not join up. We \
will break that dependence. We will choose modular components and open standards, so that we \
can change one part of a service without replacing all of it.

### 3. Design safe, secure and useful ways of sharing information

People expect public bodies to share information when it helps them, and to protect it at all \
times. We will design ways of sharing data that are lawful, secure and useful, so that \
partners and residents can trust them.

### 4. Demonstrate digital leadership

Digital change needs leaders who understand it and make room for it. Our leaders will set the \
direction, back their teams, and give them the skills and freedom to do things differently.

### 5. Embed an open culture

We will work in the open. We will share what we build and what we learn, collaborate with \
other organisations, and reuse what others have already made before we build something new.

## What leaders commit to

Senior leaders and elected members who sign commit to:

- put people with digital skills at the heart of decisions about services and technology
- fund and organise work around the needs of users, not the boundaries between departments
- refuse new contracts that lock the organisation into one supplier or stop systems joining up
- treat the privacy and security of residents’ information as a leadership responsibility
- give staff the time, training and support to learn new ways of working
- accept that teams will try things that do not work, and expect them to learn from it quickly
- publish plans and progress, and share them with other councils and public bodies

## What IT, digital and transformation teams commit to

Teams who design, build and run services commit to:

- research with the people who use a service before deciding what to build
- work in short cycles, testing with real users and improving the service as they learn
- build from modular components that use open standards and can be swapped out
- look for a solution another organisation has already built, and reuse it where it fits
- make code and designs open by default, unless there is a clear reason not to
- build security and data protection into services from the start
- share data with partners only in ways that are lawful, safe and useful to the people it \
describes
- write up what they learn, including what went wrong, so that others can benefit

## What signing means

When your organisation signs, it commits to a declaration project within 12 months. This is a \
piece of work that puts the principles into practice. You tell us what the project is, and \
you share updates on its progress in the open.

In return, your organisation gets:

- free training for your staff
- the right to apply to the Local Digital Fund

> Each round of the Local Digital Fund sets its own rules, such as how many signatory \
organisations must work together on a bid.

Your organisation’s name and the date it signed are published on a public list of signatories.
"""


def add_first_version(apps, schema_editor):
    DeclarationVersion = apps.get_model("declaration", "DeclarationVersion")
    DeclarationVersion.objects.get_or_create(
        number=1,
        defaults={"text": FIRST_VERSION, "published_on": datetime.date(2018, 7, 4)},
    )


def remove_first_version(apps, schema_editor):
    # Kept if anyone has signed it: signings point at the version they signed.
    if not apps.get_model("declaration", "Signing").objects.filter(version__number=1).exists():
        apps.get_model("declaration", "DeclarationVersion").objects.filter(number=1).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("declaration", "0005_signing"),
        ("accounts", "0002_staff_groups"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        migrations.RunPython(add_first_version, remove_first_version),
        grant_to_groups(
            "declaration",
            {
                "Fund manager": [
                    "view_signing",
                    "change_signing",
                    "view_declarationversion",
                    "add_declarationversion",
                    "change_declarationversion",
                    "view_projectupdate",
                    "change_projectupdate",
                ],
            },
        ),
    ]
