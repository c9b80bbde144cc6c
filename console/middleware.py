"""Headers every response of the console carries, and what every request is cleaned of."""

import logging
import re
import time
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.middleware import AuthenticationMiddleware, LoginRequiredMiddleware
from django.contrib.messages.middleware import MessageMiddleware
from django.contrib.sessions.middleware import SessionMiddleware
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.cache import add_never_cache_headers
from django_htmx.http import HttpResponseClientRedirect
from django_htmx.middleware import HtmxMiddleware
from django_otp.middleware import OTPMiddleware

from console import metrics, structured_logs, two_factor
from console.log_redaction import redact
from console.two_factor import TwoFactorRequired

request_log = logging.getLogger("console.request")


def request_context(get_response):
    """First of all middleware: the request id (X-Request-Id in, and back out), the
    context every log line and audit event of the request reads, the request's
    metrics, and with LOG_FORMAT=json one log line per request (gunicorn's
    text access log is then off). Kept to a few microseconds: every gateway
    lookup passes through here."""
    json_lines = settings.LOG_FORMAT == "json"
    # (area, status) -> the counter's child, so a response costs no label checks.
    counted = {}
    timed = {area: metrics.HTTP_SECONDS.labels(area) for area in ("api", "auth_service", "pages")}

    def middleware(request):
        started = time.perf_counter()
        request_id = structured_logs.request_id_from(request.META.get("HTTP_X_REQUEST_ID"))
        context = structured_logs.RequestContext(request_id)
        token = structured_logs.CURRENT.set(context)
        try:
            response = get_response(request)
            response["X-Request-Id"] = request_id
            elapsed = time.perf_counter() - started
            area = metrics.area_of(request.path)
            key = (area, response.status_code)
            counter = counted.get(key)
            if counter is None:
                counter = counted[key] = metrics.HTTP_RESPONSES.labels(area, str(key[1]))
            counter.inc()
            timed[area].observe(elapsed)
            if json_lines:
                user = getattr(request, "user", None)
                if user is not None and user.is_authenticated:
                    context.user_id = user.pk
                path = redact(request.path)
                request_log.info(
                    "%s %s %s",
                    request.method,
                    path,
                    response.status_code,
                    extra={
                        "method": request.method,
                        "path": path,
                        "status": response.status_code,
                        "duration_ms": round(elapsed * 1000, 2),
                    },
                )
            return response
        finally:
            structured_logs.CURRENT.reset(token)

    return middleware


# Unicode's category Cc, all of it: C0, DEL and C1 (one regular expression rather
# than a look-up a character: every request has a User-Agent).
CONTROL_CHARACTERS = re.compile("[\x00-\x1f\x7f-\x9f]")


def clean_user_agent(get_response):
    """The User-Agent is stored with every audit event and sign-in attempt, and
    PostgreSQL refuses NUL in text: drop control characters from it before
    anything reads it, so a forged header is kept legibly, never a 500."""

    def middleware(request):
        user_agent = request.META.get("HTTP_USER_AGENT", "")
        if CONTROL_CHARACTERS.search(user_agent):
            request.META["HTTP_USER_AGENT"] = CONTROL_CHARACTERS.sub("", user_agent)
        return get_response(request)

    return middleware


def private_pages(get_response):
    """No response of the console may be kept by a browser or a proxy cache: pages,
    dialog fragments, downloads and CSV exports carry private data, and the
    sign-in and invitation pages carry one-time tokens. Static files, which
    WhiteNoise serves before this, keep their long cache lifetimes."""

    def middleware(request):
        response = get_response(request)
        add_never_cache_headers(response)
        response.headers.setdefault("Permissions-Policy", settings.PERMISSIONS_POLICY)
        return response

    return middleware


class TwoFactorRequiredMiddleware:
    """A project that requires two-factor sign-in (see membership.load_project)
    sends a member without it to set it up, and a member who has it but signed
    in to this session without a code back to sign in with one."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not isinstance(exception, TwoFactorRequired):
            return None
        name = exception.project.name
        if two_factor.has_two_factor(request.user):
            logout(request)
            target = reverse("signin")
            messages.info(
                request, f"“{name}” requires two-factor authentication: sign in again with a code."
            )
        else:
            target = reverse("two_factor_setup")
            messages.warning(
                request,
                f"“{name}” requires two-factor authentication. Set it up to open the project.",
            )
        next_url = request.get_full_path() if request.method == "GET" and not request.htmx else ""
        if next_url:
            target += "?" + urlencode({"next": next_url})
        if request.htmx:
            return HttpResponseClientRedirect(target)
        return redirect(target)


# Paths only machines call: Storj's auth service API, which gateways call with a
# bearer token on every S3 request they resolve. No browser session reaches them.
MACHINE_PATH_PREFIXES = ("/v1/",)


def pages_only(middleware_class):
    """`middleware_class`, skipped on machine paths (MACHINE_PATH_PREFIXES).

    For the middleware that serve a person's browser session: the session, the
    signed-in user and their second factor, messages, htmx. A machine path's
    request has none of these, so they would only cost time. Its views are
    csrf_exempt and login_not_required as before: CsrfViewMiddleware still runs
    for every path, and PageLoginRequiredMiddleware refuses a machine path's
    view that is not login_not_required.
    """

    class PagesOnly(middleware_class):
        def __call__(self, request):
            if request.path_info.startswith(MACHINE_PATH_PREFIXES):
                return self.get_response(request)
            return super().__call__(request)

    PagesOnly.__name__ = PagesOnly.__qualname__ = f"PagesOnly{middleware_class.__name__}"
    PagesOnly.__doc__ = f"{middleware_class.__name__}, for pages only (see pages_only)."
    return PagesOnly


PageSessionMiddleware = pages_only(SessionMiddleware)
PageAuthenticationMiddleware = pages_only(AuthenticationMiddleware)
PageOTPMiddleware = pages_only(OTPMiddleware)
PageMessageMiddleware = pages_only(MessageMiddleware)
PageHtmxMiddleware = pages_only(HtmxMiddleware)


class PageLoginRequiredMiddleware(LoginRequiredMiddleware):
    """Django's: every view needs a signed-in user unless it is login_not_required.

    A machine path has no signed-in user (no session middleware ran): a view
    there that is not login_not_required is refused (403) rather than served.
    """

    def process_view(self, request, view_func, view_args, view_kwargs):
        if request.path_info.startswith(MACHINE_PATH_PREFIXES):
            if getattr(view_func, "login_required", True):
                raise PermissionDenied("This path serves machines only.")
            return None
        return super().process_view(request, view_func, view_args, view_kwargs)
