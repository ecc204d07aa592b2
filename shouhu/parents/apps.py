"""The parents' channel (家长端, issue 19): a migrant parent logs in with the phone number on
the child's file and a one-time code, sees the news the school chose to share, writes to the
head teacher and the proxy parent, confirms the guardian agreement and files a guardian request.

A parent is no staff user: their session is their own (`shouhu.parents.session`) and no staff
view accepts it, nor any parents' view a staff login."""

from django.apps import AppConfig


class ParentsConfig(AppConfig):
    name = "shouhu.parents"
    verbose_name = "家长端"
