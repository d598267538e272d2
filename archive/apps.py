from django.apps import AppConfig


class ArchiveConfig(AppConfig):
    name = "archive"
    verbose_name = "Parley archive"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from archive import checks  # noqa: F401  (registers the system checks)
