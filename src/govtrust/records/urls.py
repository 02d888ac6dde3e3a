from django.urls import path

from govtrust.records import views

app_name = "records"
urlpatterns = [
    path("records/", views.record_list, name="list"),
    path("records/new/", views.record_new, name="new"),
    path("records/<int:pk>/", views.record_detail, name="detail"),
    path("records/<int:pk>/edit/", views.record_edit, name="edit"),
    path("records/<int:pk>/identifier/", views.record_identifier, name="identifier"),
    path("records/<int:pk>/<str:action>/", views.record_transition, name="transition"),
]
