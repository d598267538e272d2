"""Alerts in the admin: who follows what, for a curator to look into a complaint or stop an
address (read-only but for stopping: the follower manages an alert from its mails)."""

from django.contrib import admin
from django.utils import timezone

from archive.alerts.models import Alert


@admin.register(Alert)
class AlertAdmin(admin.ModelAdmin):
    list_display = ("email", "description", "frequency", "confirmed_at", "unsubscribed_at",
                    "last_sent_at")  # fmt: skip
    list_filter = ("target", "frequency", ("confirmed_at", admin.EmptyFieldListFilter))
    search_fields = ("email",)
    readonly_fields = [field.name for field in Alert._meta.fields]
    actions = ["stop"]

    def has_add_permission(self, request):
        return False

    @admin.action(description="Stop the selected alerts")
    def stop(self, request, queryset):
        stopped = queryset.filter(unsubscribed_at__isnull=True).update(
            unsubscribed_at=timezone.now()
        )
        self.message_user(request, f"{stopped} alerts stopped.")
