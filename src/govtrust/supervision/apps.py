from django.apps import AppConfig


class SupervisionConfig(AppConfig):
    name = "govtrust.supervision"
    label = "supervision"
    verbose_name = "政务诚信监督"

    def ready(self) -> None:
        from govtrust.core.workdays import register_recompute
        from govtrust.supervision.services.plan_tasks import plan_report_dues_recompute

        register_recompute(plan_report_dues_recompute)
