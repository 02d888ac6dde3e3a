from django.urls import path

from govtrust.supervision import views_suggestions as views

app_name = "suggestions"

urlpatterns = [
    path("", views.suggestions, name="list"),
    path("register", views.register, name="register"),
    path("import", views.import_list, name="import"),
    path("import/refusal.xlsx", views.import_refusal, name="import-refusal"),
    path("import/template.xlsx", views.import_template, name="import-template"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/<str:name>", views.step, name="step"),
]
