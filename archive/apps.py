from django.apps import AppConfig
from django.db.models.signals import post_migrate


def _new_release(sender, using="default", **kwargs):
    """A migrate (every deployment runs one) starts a new data version: pages cached by the
    previous release's code and templates are not served by this one."""
    from django.db import connections

    from archive.caching import DataVersion, bump_data_version
    from archive.routers import replica_aliases

    if using in replica_aliases():
        return
    if DataVersion._meta.db_table in connections[using].introspection.table_names():
        bump_data_version(using)


class ArchiveConfig(AppConfig):
    name = "archive"
    verbose_name = "Parley archive"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        post_migrate.connect(_new_release, sender=self)
