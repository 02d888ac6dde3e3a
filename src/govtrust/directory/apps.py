from django.apps import AppConfig


class DirectoryConfig(AppConfig):
    name = "govtrust.directory"
    label = "directory"
    verbose_name = "机构与人员"

    def ready(self) -> None:
        from govtrust.directory import signals

        signals.connect()
