from django.apps import AppConfig


class SanctionsConfig(AppConfig):
    name = "govtrust.sanctions"
    label = "sanctions"
    verbose_name = "惩戒措施"

    def ready(self) -> None:
        from govtrust.records.services.bulk_rows import register_on_court_deletion
        from govtrust.records.services.review import register_on_accept
        from govtrust.sanctions.services import measures_issue, measures_lift

        register_on_accept(measures_issue)
        register_on_court_deletion(measures_lift)
