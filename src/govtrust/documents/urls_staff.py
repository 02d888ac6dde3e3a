from django.urls import path

from govtrust.documents import views_staff as views

app_name = "documents-staff"
urlpatterns = [
    path("reports/", views.reports, name="reports"),
    path("reports/<str:kind>/<int:pk>/", views.report, name="report"),
    path("notices/", views.notices, name="notices"),
    path("notices/<str:code>/", views.notice, name="notice"),
    path("notices/<str:code>/edit/", views.edit, name="notice-edit"),
    path("notices/<str:code>/preview.pdf", views.preview_pdf, name="notice-preview"),
    path("notices/<str:code>/publish/", views.publish, name="publish"),
    path("<str:code>.pdf", views.pdf, name="pdf"),
]
