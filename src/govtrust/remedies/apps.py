from django.apps import AppConfig


class RemediesConfig(AppConfig):
    name = "govtrust.remedies"
    label = "remedies"
    verbose_name = "异议、信用修复与投诉举报"

    def ready(self) -> None:
        from govtrust.core.workdays import register_recompute
        from govtrust.remedies.services.deadlines import case_deadlines_recompute

        register_recompute(case_deadlines_recompute)
