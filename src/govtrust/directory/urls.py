from django.contrib.auth import views as auth_views
from django.urls import path

from govtrust.directory import views, views_audit

urlpatterns = [
    path(
        "login/",
        auth_views.LoginView.as_view(template_name="registration/login.html"),
        name="login",
    ),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("audit/", views_audit.audit_list, name="audit"),
    path("audit/export.csv", views_audit.audit_export, name="audit-export"),
    path("calendar/", views.calendar, name="calendar"),
]
