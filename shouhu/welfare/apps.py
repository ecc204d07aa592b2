from django.apps import AppConfig


class WelfareConfig(AppConfig):
    name = "shouhu.welfare"
    verbose_name = "资助救助、健康、安全和监护"

    def ready(self) -> None:
        # The duties register themselves with shouhu.jobs when imported.
        from shouhu.welfare import jobs_agreements  # noqa: F401
