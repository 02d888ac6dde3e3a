from django.apps import AppConfig


class SupervisionConfig(AppConfig):
    name = "govtrust.supervision"
    label = "supervision"
    verbose_name = "政务诚信监督"

    def ready(self) -> None:
        # Rectification deadlines of inspection findings move with the calendar.
        from govtrust.core.workdays import register_recompute
        from govtrust.supervision.services.inspections import finding_deadlines_recompute

        register_recompute(finding_deadlines_recompute)
