"""Every read of the newsletter that views, the admin and other apps need."""
