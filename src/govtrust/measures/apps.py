from django.apps import AppConfig


class MeasuresConfig(AppConfig):
    name = "govtrust.measures"
    label = "measures"
    verbose_name = "惩戒措施"

    def ready(self) -> None:
        # Measures are issued inside the accept transaction; records knows nothing of measures.
        from govtrust.measures.services import measures_issue, measures_lift
        from govtrust.records.services.bulk_rows import register_on_court_deletion
        from govtrust.records.services.review import register_on_accept

        register_on_accept(measures_issue)
        register_on_court_deletion(measures_lift)  # the court's deletion lifts the measures
