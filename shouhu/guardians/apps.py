from django.apps import AppConfig


class GuardiansConfig(AppConfig):
    name = "shouhu.guardians"
    verbose_name = "监护：委托监护、家长培训和户籍"
