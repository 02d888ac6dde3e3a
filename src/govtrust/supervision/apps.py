from django.apps import AppConfig


class SupervisionConfig(AppConfig):
    name = "govtrust.supervision"
    label = "supervision"
    verbose_name = "政务诚信监督"
