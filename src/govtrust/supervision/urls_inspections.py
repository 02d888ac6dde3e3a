from django.urls import path

from govtrust.supervision import views_inspections as views

app_name = "inspections"

urlpatterns = [
    path("", views.inspections, name="list"),
    path("plan", views.plan, name="plan"),
    path("findings/", views.answering, name="answering"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/findings", views.record, name="record"),
    path("<int:pk>/conclude", views.conclude, name="conclude"),
    path("<int:pk>/report.pdf", views.report, name="report"),
    path("findings/<int:pk>/", views.finding, name="finding"),
    path("findings/<int:pk>/<str:name>", views.step, name="step"),
    path("attachments/<int:attachment_id>", views.attachment, name="attachment"),
]
