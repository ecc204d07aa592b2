from django.apps import AppConfig


class OpsConfig(AppConfig):
    """Running Shouhu on its server: backups and restores (docs/deploy.md, 备份与恢复)."""

    name = "shouhu.ops"
    label = "ops"
    verbose_name = "运维"
