from django.urls import path

from govtrust.screening import views

app_name = "screenings"
urlpatterns = [
    path("", views.screenings, name="list"),
    path("<str:number>/", views.detail, name="detail"),
    path("<str:number>/judge/", views.judge, name="judge"),
    path("<str:number>/results.xlsx", views.excel, name="excel"),
    path("<str:number>/certificate/", views.certify, name="certify"),
]
