from django.urls import path

from govtrust.sanctions import views

app_name = "sanctions"
urlpatterns = [
    path("<str:number>/", views.record_measures, name="record"),
    path("<str:number>/<int:measure_id>/report/", views.report, name="report"),
    path("<str:number>/<int:measure_id>/verify/", views.verify, name="verify"),
    path("<str:number>/self-correction/", views.correction, name="correction"),
]
