from django.urls import path

from govtrust.disclosure import views

app_name = "portal"
urlpatterns = [
    path("", views.portal, name="search"),
    path("gs/records/<str:number>/", views.record, name="record"),
    path("gs/records.csv", views.records_csv, name="csv"),
    path("gs/feed.atom", views.feed, name="feed"),
    path("gs/log/", views.log_page, name="log"),
]
