"""Send the alerts' new statements: run it from cron (every few minutes for immediate alerts;
daily alerts are sent once a day whenever it runs)."""

from django.core.management.base import BaseCommand

from archive.alerts.sending import send_alerts


class Command(BaseCommand):
    help = "Mail each confirmed alert the statements that are new since its last run."

    def handle(self, *args, **options):
        report = send_alerts()
        self.stdout.write(str(report))
        if report.failed:
            raise SystemExit(1)
