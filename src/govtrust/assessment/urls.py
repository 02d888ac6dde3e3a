from django.urls import path

from govtrust.assessment import views

app_name = "assessment"

urlpatterns = [
    path("", views.results, name="results"),
    path("run", views.run, name="run"),
    path("runs/<int:pk>/decide", views.decide, name="decide"),
    path("runs/<int:pk>/publish", views.publish, name="publish"),
    path("<int:year>/<str:unit_key>/", views.explain, name="explain"),
]
