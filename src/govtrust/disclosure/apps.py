from django.apps import AppConfig


class DisclosureConfig(AppConfig):
    name = "govtrust.disclosure"
    label = "disclosure"
    verbose_name = "信息公示"

    def ready(self) -> None:
        from govtrust.disclosure.services_periods import publication_court_deleted
        from govtrust.records.services.bulk_rows import register_on_court_deletion

        register_on_court_deletion(publication_court_deleted)
