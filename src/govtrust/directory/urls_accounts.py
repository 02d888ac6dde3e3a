"""Sign-in steps, the own password, the security administrator's accounts and the system page."""

from django.urls import path

from govtrust.directory import views_accounts, views_reference, views_signin, views_system

urlpatterns = [
    path("mfa/", views_signin.second_factor, name="mfa-verify"),
    path("mfa/setup/", views_signin.second_factor_setup, name="mfa-setup"),
    path("password/", views_signin.password_change_page, name="password-change"),
    path("users/", views_accounts.accounts, name="accounts"),
    path("users/new/", views_accounts.account_new, name="account-new"),
    path("users/<int:pk>/", views_accounts.account, name="account"),
    path(
        "users/<int:pk>/tokens/<int:token>/revoke/",
        views_accounts.token_revoke_view,
        name="account-token-revoke",
    ),
    path(
        "users/<int:pk>/sessions/<int:session>/end/",
        views_accounts.session_end_view,
        name="account-session-end",
    ),
    path("users/<int:pk>/<slug:action>/", views_accounts.account_action, name="account-action"),
    path("system/", views_system.system, name="system"),
    path("system/imports/", views_reference.reference_imports, name="reference-imports"),
]
