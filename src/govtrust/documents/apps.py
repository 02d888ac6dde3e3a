from django.apps import AppConfig


class DocumentsConfig(AppConfig):
    name = "govtrust.documents"
    label = "documents"
    verbose_name = "出具的文件"
