"""The demo: ``manage.py seed_demo`` fills a database with organisations, people, signings, a
Fund round at every stage, training and the newsletter, through every domain's services, and
``manage.py totp_code`` prints a demo account's current sign-in code. It composes every
domain, as the pages do, and nothing imports it."""
