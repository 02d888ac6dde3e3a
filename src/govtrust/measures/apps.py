from django.apps import AppConfig


class MeasuresConfig(AppConfig):
    name = "govtrust.measures"
    label = "measures"
    verbose_name = "惩戒措施"

    def ready(self) -> None:
        # Hooks, not imports the other way: records knows nothing of measures, the working-day
        # engine nothing of the apps whose deadlines it moves.
        from govtrust.core.workdays import register_recompute
        from govtrust.measures.services import measures_issue, measures_lift
        from govtrust.measures.services.issue import measure_deadlines_recompute
        from govtrust.records.services.bulk_rows import register_on_court_deletion
        from govtrust.records.services.review import register_on_accept

        register_on_accept(measures_issue)  # issued inside the accept transaction
        register_on_court_deletion(measures_lift)  # the court's deletion lifts the measures
        register_recompute(measure_deadlines_recompute)
