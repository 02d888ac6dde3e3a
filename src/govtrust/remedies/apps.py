from django.apps import AppConfig


class RemediesConfig(AppConfig):
    name = "govtrust.remedies"
    label = "remedies"
    verbose_name = "异议、信用修复与投诉举报"
