from django.urls import path

from govtrust.remedies import views_public

app_name = "remedies"
urlpatterns = [
    path("gs/records/<str:number>/objection/", views_public.objection, name="objection"),
    path("gs/records/<str:number>/repair/", views_public.repair, name="repair"),
    path("gs/report/", views_public.report, name="report"),
    path("gs/promise/", views_public.promise, name="promise"),
    path("gs/track/", views_public.track, name="track"),
]
