from django.urls import path

from govtrust.supervision import views

app_name = "supervision"

urlpatterns = [
    path("", views.overview, name="overview"),
    path("<int:task_id>/", views.task, name="task"),
    path("<int:task_id>/units/<int:unit_id>/report", views.report, name="report"),
    path("<int:task_id>/reports/<int:report_id>/decide", views.decide, name="decide"),
    path("<int:task_id>/assign", views.assign, name="assign"),
    path("attachments/<int:attachment_id>", views.attachment, name="attachment"),
]
