from django.urls import path

from govtrust.assessment import views_public as views

app_name = "assessment-public"

urlpatterns = [
    path("gs/assessment/", views.index, name="index"),
    path("gs/assessment/<int:year>/", views.year_page, name="year"),
    path("gs/assessment/<int:year>/<str:unit_key>/", views.unit, name="unit"),
    path("gs/assessment/<int:year>/<str:unit_key>.pdf", views.unit_pdf, name="unit-pdf"),
]
