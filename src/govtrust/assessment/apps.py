from django.apps import AppConfig


class AssessmentConfig(AppConfig):
    name = "govtrust.assessment"
    label = "assessment"
    verbose_name = "年度政务诚信考评"
