from django.urls import path

from govtrust.assessment import views

app_name = "assessment"

urlpatterns = [
    path("", views.results, name="results"),
    path("run", views.run, name="run"),
    path("runs/<int:pk>/decide", views.decide, name="decide"),
    path("runs/<int:pk>/publish", views.publish, name="publish"),
    path("objections/", views.objection_list, name="objections"),
    path("objections/<int:pk>/decide", views.objection_decide, name="objection-decide"),
    path("<int:year>/<str:unit_key>/", views.explain, name="explain"),
    path("<int:year>/<str:unit_key>/object", views.object_file, name="object"),
]
