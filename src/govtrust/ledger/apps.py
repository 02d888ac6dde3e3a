from django.apps import AppConfig


class LedgerConfig(AppConfig):
    name = "govtrust.ledger"
    label = "ledger"
    verbose_name = "透明日志"
