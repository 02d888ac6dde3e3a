from django.apps import AppConfig


class ExchangeConfig(AppConfig):
    name = "govtrust.exchange"
    label = "exchange"
    verbose_name = "信用信息共享报送"
