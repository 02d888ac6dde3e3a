from django.urls import path

from govtrust.records import views, views_imports, views_review

app_name = "records"
urlpatterns = [
    path("records/", views.record_list, name="list"),
    path("records/review/", views_review.review_queue, name="review"),
    path("records/review/bulk/", views_review.review_bulk, name="review-bulk"),
    path("records/dashboard/", views_review.dashboard, name="dashboard"),
    path("records/reminders/", views_review.reminders, name="reminders"),
    path("records/imports/", views_imports.import_list, name="imports"),
    path("records/imports/template.xlsx", views_imports.import_template, name="import-template"),
    path("records/imports/<uuid:pk>/", views_imports.import_detail, name="import"),
    path(
        "records/imports/<uuid:pk>/report.xlsx", views_imports.import_report, name="import-report"
    ),
    path("records/new/", views.record_new, name="new"),
    path("records/<int:pk>/", views.record_detail, name="detail"),
    path("records/<int:pk>/edit/", views.record_edit, name="edit"),
    path("records/<int:pk>/identifier/", views.record_identifier, name="identifier"),
    path("records/<int:pk>/<str:action>/", views.record_transition, name="transition"),
]
