from django.apps import AppConfig
from django.db.models.signals import post_migrate


class AuditConfig(AppConfig):
    name = "shouhu.audit"
    verbose_name = "审计"

    def ready(self) -> None:
        from shouhu.audit import guards

        guards.connect_history_guards()
        post_migrate.connect(guards._after_migrate, sender=self, dispatch_uid="audit-triggers")
