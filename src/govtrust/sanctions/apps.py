from django.apps import AppConfig


class SanctionsConfig(AppConfig):
    """Migration history only. The measures, screening and documents apps took over its models
    (sanctions 0008 removes them from this app's state; their own migrations rename the tables).
    Installations that applied sanctions 0001-0007 need these migrations to stay, and a fresh
    database creates the tables through them, so the app stays installed without code."""

    name = "govtrust.sanctions"
    label = "sanctions"
    verbose_name = "惩戒措施（迁移历史）"
