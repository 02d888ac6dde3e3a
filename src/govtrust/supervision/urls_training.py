from django.urls import path

from govtrust.supervision import views_training as views

app_name = "training"

urlpatterns = [
    path("", views.sessions, name="sessions"),
    path("courses/new", views.course_new, name="course-new"),
    path("sessions/new", views.session_new, name="session-new"),
    path("sessions/<int:pk>/", views.session, name="session"),
    path("import", views.upload, name="upload"),
    path("import/template", views.template, name="template"),
    path("imports/<int:pk>/", views.import_detail, name="import"),
    path("imports/<int:pk>/report", views.import_report, name="import-report"),
    path("coverage", views.coverage, name="coverage"),
    path("handbook", views.handbook_page, name="handbook"),
]
