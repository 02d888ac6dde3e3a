from django.apps import AppConfig


class DisclosureConfig(AppConfig):
    name = "govtrust.disclosure"
    label = "disclosure"
    verbose_name = "信息公示"

    def ready(self) -> None:
        from govtrust.disclosure.rules.periods import use_added_versions
        from govtrust.disclosure.services_periods import publication_court_deleted
        from govtrust.disclosure.services_versions import load_added
        from govtrust.records.services.bulk_rows import register_on_court_deletion

        register_on_court_deletion(publication_court_deleted)
        # Versions added on the rules page join the built-in ones in every look-up.
        use_added_versions(load_added)
