from django.urls import path

from govtrust.remedies import views_staff

app_name = "remedies-staff"
urlpatterns = [
    path("", views_staff.queue, name="queue"),
    path("<str:number>/", views_staff.detail, name="case"),
    path("<str:number>/act/", views_staff.act, name="act"),
    path("<str:number>/draft/", views_staff.draft, name="draft"),
    path("<str:number>/evidence/<int:evidence_id>/", views_staff.evidence, name="evidence"),
]
