from django.apps import AppConfig


class SupervisionConfig(AppConfig):
    name = "govtrust.supervision"
    label = "supervision"
    verbose_name = "政务诚信监督"

    def ready(self) -> None:
        # Deadlines that count working days move with the calendar: inspection findings'
        # rectification and the yearly reports of continuous plan tasks.
        from govtrust.core.workdays import register_recompute
        from govtrust.supervision.services.inspections import finding_deadlines_recompute
        from govtrust.supervision.services.plan_tasks import plan_report_dues_recompute

        register_recompute(finding_deadlines_recompute)
        register_recompute(plan_report_dues_recompute)
