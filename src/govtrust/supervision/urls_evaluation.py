from django.urls import path

from govtrust.supervision import views_evaluation as views

app_name = "evaluations"

urlpatterns = [
    path("", views.evaluations, name="list"),
    path("evaluators", views.evaluator_register, name="evaluator-register"),
    path("commissions", views.commission_register, name="commission-register"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/upload", views.upload, name="upload"),
    path("<int:pk>/refusal.xlsx", views.refusal_report, name="refusal"),
    path("<int:pk>/template.xlsx", views.template, name="template"),
    path("<int:pk>/sheets/<int:sheet_id>", views.sheet_file, name="sheet"),
]
