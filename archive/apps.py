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
