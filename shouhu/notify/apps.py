from django.apps import AppConfig


class NotifyConfig(AppConfig):
    name = "shouhu.notify"
    verbose_name = "消息通知"
