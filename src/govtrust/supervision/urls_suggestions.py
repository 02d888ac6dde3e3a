from django.urls import path

from govtrust.supervision import views_suggestions as views

app_name = "suggestions"

urlpatterns = [
    path("", views.suggestions, name="list"),
    path("register", views.register, name="register"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/<str:name>", views.step, name="step"),
]
