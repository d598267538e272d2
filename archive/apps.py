from django.apps import AppConfig
from django.db.models.signals import post_migrate


def load_people_after_migrate(sender, app_config=None, using="default", apps=None, **kwargs):
    """The people dataset is loaded with the schema (as Django creates permissions): after
    every `migrate` (and a test database's flush), whatever of it the database lacks is added."""
    from django.apps import apps as installed

    try:
        (apps or installed).get_model("archive", "LabelRule")
    except LookupError:
        return  # migrated to a state from before the people tables
    from archive.people.linking import link_archive
    from archive.people.popolo import load_people

    if load_people(using=using).persons and using == "default":
        link_archive()  # an archive from before the dataset: its speakers meet their people


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

    def ready(self) -> None:
        from archive import (
            checks,  # noqa: F401  (registers the system checks)
            history,  # noqa: F401  (registers the curated models with reversion)
        )

        post_migrate.connect(load_people_after_migrate, sender=self)
        post_migrate.connect(_new_release, sender=self)
