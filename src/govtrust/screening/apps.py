from django.apps import AppConfig


class ScreeningConfig(AppConfig):
    name = "govtrust.screening"
    label = "screening"
    verbose_name = "评优评先信用审查"
