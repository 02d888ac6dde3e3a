from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "govtrust.core"
    label = "core"
    verbose_name = "基础"

    def ready(self) -> None:
        from govtrust.core import taskstate

        taskstate.connect()  # the worker records its job times where RQ keeps none
