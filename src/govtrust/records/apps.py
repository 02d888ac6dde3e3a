from django.apps import AppConfig


class RecordsConfig(AppConfig):
    name = "govtrust.records"
    label = "records"
    verbose_name = "政务失信记录"

    def ready(self) -> None:
        from govtrust.core.workdays import register_recompute
        from govtrust.records.services.deadlines import deadlines_recompute

        register_recompute(deadlines_recompute)
