from django.apps import AppConfig


class ReviewsConfig(AppConfig):
    name = "reviews"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # Here, not at the top: these import models, which cannot load with the configs.
        from audit import registry  # noqa: PLC0415

        # reviews.actions declares every workflow step (reviews.workflow.declare).
        from reviews import actions, receivers, signatures  # noqa: F401, PLC0415
        from reviews.models import AuditEntry  # noqa: PLC0415

        # The review audit log is a hash chain; verify_audit_log also checks each
        # approval's signature against the content it signed.
        registry.register(
            AuditEntry,
            rows=lambda: AuditEntry.objects.select_related("signature__decision__revision"),
            extra_check=signatures.entry_problem,
        )
