from django.urls import include, path

from govtrust.config.api import api
from govtrust.directory import views as directory_views

urlpatterns = [
    path("api/v1/", api.urls),
    path("accounts/", include("govtrust.directory.urls")),
    path("", include("govtrust.records.urls")),
    path("", directory_views.home, name="home"),
]
