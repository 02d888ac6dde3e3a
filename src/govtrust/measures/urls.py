from django.urls import path

from govtrust.measures import views, views_rules

app_name = "sanctions"
urlpatterns = [
    # Before the record patterns: "rules" and "rectification" are not record numbers.
    path("rules/", views_rules.rules, name="rules"),
    path("rectification/", views.ledger, name="ledger"),
    path("all/", views.measure_list, name="list"),
    path("rules/<str:code>/revise/", views_rules.revise, name="revise"),
    path("<str:number>/", views.record_measures, name="record"),
    path("<str:number>/<int:measure_id>/report/", views.report, name="report"),
    path("<str:number>/<int:measure_id>/verify/", views.verify, name="verify"),
    path("<str:number>/self-correction/", views.correction, name="correction"),
]
