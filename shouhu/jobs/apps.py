from django.apps import AppConfig


class JobsConfig(AppConfig):
    name = "shouhu.jobs"
    verbose_name = "定时任务"

    def ready(self) -> None:
        from shouhu.core import healthz
        from shouhu.jobs import exporting, registry, selectors  # noqa: F401 - its duty

        registry.autodiscover()
        healthz.check_register("worker", selectors.worker_health)
