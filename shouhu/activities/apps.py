from django.apps import AppConfig


class ActivitiesConfig(AppConfig):
    name = "shouhu.activities"
    verbose_name = "活动和留守儿童之家"
