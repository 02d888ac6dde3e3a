from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "govtrust.core"
    label = "core"
    verbose_name = "基础"
