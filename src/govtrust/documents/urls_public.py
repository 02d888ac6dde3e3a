from django.urls import path

from govtrust.documents import views_public as views

app_name = "documents"
urlpatterns = [
    path("gs/verify/", views.verify, name="verify-form"),
    path("gs/verify/<str:code>/", views.verify, name="verify"),
    path("gs/notices/", views.notices, name="notices"),
    path("gs/notices/<str:code>/", views.notice, name="notice"),
    path("gs/notices/<str:code>.pdf", views.notice_pdf, name="notice-pdf"),
]
