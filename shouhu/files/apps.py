from django.apps import AppConfig


class FilesConfig(AppConfig):
    name = "shouhu.files"
    verbose_name = "上传的扫描件和照片"
