"""The HTTP API under /api/v1/: routers from each app, one error shape for all of them.

Errors are `{"detail": ..., "errors": [{"field": ..., "message": ...}]}` in Chinese; a caller's
mistake is a 4xx, never a 500.
"""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.renderers import JSONRenderer

from govtrust.assessment.api import router as assessment_router
from govtrust.core.api import router as tools_router
from govtrust.core.errors import DomainError, Throttled
from govtrust.core.validation import translate
from govtrust.directory.api import router as directory_router
from govtrust.directory.auth import SessionAuth, TokenAuth
from govtrust.disclosure.api import router as disclosure_router
from govtrust.documents.api import public as documents_public
from govtrust.documents.api import staff as documents_staff
from govtrust.measures.api import router as measures_router
from govtrust.records.api import router as records_router
from govtrust.records.api_imports import router as imports_router
from govtrust.records.schemas import CHOICES as RECORD_CHOICES
from govtrust.remedies.api import public as remedies_public
from govtrust.remedies.api import staff as remedies_staff
from govtrust.screening.api import router as screening_router
from govtrust.supervision.api import router as supervision_router
from govtrust.supervision.api_evaluation import router as evaluation_router
from govtrust.supervision.api_inspections import router as inspections_router
from govtrust.supervision.api_training import router as training_router


class Renderer(JSONRenderer):
    json_dumps_params = {"ensure_ascii": False}  # Chinese readable in responses and logs


api = NinjaAPI(
    renderer=Renderer(),
    title="GovTrust 政务诚信平台 API",
    version="1",
    description="政务失信记录的录入、报送与审核；行政区划与工具接口。机器客户端使用 Bearer 令牌"
    "（`govtrust token USERNAME` 生成）。",
    auth=[TokenAuth(), SessionAuth()],
    urls_namespace="api",
)
api.add_router("/", directory_router)
api.add_router("/", records_router)
api.add_router("/", imports_router)
api.add_router("/tools", tools_router)
api.add_router("/", disclosure_router)
api.add_router("/", remedies_public)
api.add_router("/", remedies_staff)
api.add_router("/", measures_router)
api.add_router("/", screening_router)
api.add_router("/", documents_staff)
api.add_router("/", documents_public)
api.add_router("/", supervision_router)
api.add_router("/", inspections_router)
api.add_router("/", training_router)
api.add_router("/", evaluation_router)
api.add_router("/", assessment_router)


def _error(
    request: HttpRequest, status: int, detail: str, errors: list[dict[str, str]]
) -> HttpResponse:
    return api.create_response(request, {"detail": detail, "errors": errors}, status=status)


@api.exception_handler(DomainError)
def on_domain_error(request: HttpRequest, exc: DomainError) -> HttpResponse:
    errors = [{"field": f, "message": m} for f, m in exc.errors]
    response = _error(request, exc.status, exc.detail, errors)
    if isinstance(exc, Throttled):
        response["Retry-After"] = str(exc.retry_after)
    return response


@api.exception_handler(NinjaValidationError)
def on_validation_error(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
    errors = translate(exc.errors, RECORD_CHOICES, codes=True)
    return _error(request, 422, "提交的数据有误，请按提示修改", errors)


@api.exception_handler(AuthenticationError)
def on_auth_error(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    return _error(request, 401, "未登录或令牌无效", [])


@api.exception_handler(Http404)
def on_not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return _error(request, 404, "对象不存在或不在您的数据范围内", [])


@api.exception_handler(HttpError)
def on_http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    detail = "请求过于频繁，请稍后再试" if exc.status_code == 429 else str(exc)
    return _error(request, exc.status_code, detail, [])
