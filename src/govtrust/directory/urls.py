from django.contrib.auth import views as auth_views
from django.urls import include, path

from govtrust.directory import views, views_audit, views_signin

urlpatterns = [
    path("login/", views_signin.sign_in, name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("audit/", views_audit.audit_list, name="audit"),
    path("audit/export.csv", views_audit.audit_export, name="audit-export"),
    path("calendar/", views.calendar, name="calendar"),
    path("", include("govtrust.directory.urls_accounts")),
]
