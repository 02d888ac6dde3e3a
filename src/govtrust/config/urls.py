from django.urls import include, path

from govtrust.config.api import api
from govtrust.core.health import healthz
from govtrust.directory.views_units import unit_lookup
from govtrust.disclosure import views_office as disclosure_office
from govtrust.disclosure import views_versions as disclosure_versions
from govtrust.records import views_home as records_home

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("api/v1/", api.urls),
    path("gs/units/", unit_lookup, name="unit-lookup"),
    path("accounts/", include("govtrust.directory.urls")),
    path("", include("govtrust.records.urls")),
    path("backoffice/", records_home.home, name="home"),
    path("backoffice/cases/", include("govtrust.remedies.urls_staff")),
    path("backoffice/measures/", include("govtrust.measures.urls")),
    path("backoffice/screenings/", include("govtrust.screening.urls")),
    path("backoffice/documents/", include("govtrust.documents.urls_staff")),
    path("backoffice/plan-tasks/", include("govtrust.supervision.urls")),
    path("backoffice/suggestions/", include("govtrust.supervision.urls_suggestions")),
    path("backoffice/inspections/", include("govtrust.supervision.urls_inspections")),
    path("backoffice/training/", include("govtrust.supervision.urls_training")),
    path("backoffice/evaluations/", include("govtrust.supervision.urls_evaluation")),
    path("backoffice/assessment/", include("govtrust.assessment.urls")),
    path("backoffice/publish/", disclosure_office.publish, name="publish"),
    path(
        "backoffice/publication-rules/",
        disclosure_versions.publication_rules,
        name="publication-rules",
    ),
    path("backoffice/redaction/", disclosure_office.redaction_rules, name="redaction-rules"),
    path("", include("govtrust.disclosure.urls")),
    path("", include("govtrust.remedies.urls")),
    path("", include("govtrust.documents.urls_public")),
    path("", include("govtrust.assessment.urls_public")),
]
