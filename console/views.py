import base64
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login, logout
from django.contrib.auth.decorators import login_not_required
from django.db import connection
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST
from django_otp import login as otp_login

from console import audit, two_factor
from console.forms import BUCKETS_ADMIN_ONLY, BucketForm, SignInForm
from console.membership import load_project
from console.models import AuditEvent, User
from console.two_factor_forms import CodeForm

LOCKED_OUT = (
    "Too many failed sign-in attempts. Sign-in is paused for up to {minutes} minutes; "
    "try again later."
)


def _safe_next(request) -> str | None:
    target = request.POST.get("next") or request.GET.get("next")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return None


@login_not_required
@sensitive_post_parameters("password")
@never_cache
def signin(request):
    if request.user.is_authenticated:
        return redirect("home")

    # Bound for every POST, an empty one too: it then asks for both fields.
    form = SignInForm(request, request.POST if request.method == "POST" else None)
    if request.method == "POST":
        if form.is_valid():
            if two_factor.has_two_factor(form.user):
                # The password was right; the code step signs them in.
                two_factor.start_pending_sign_in(request, form.user)
                return redirect(_with_next(reverse("signin_code"), _safe_next(request)))
            login(request, form.user)
            audit.record(request, AuditEvent.Action.SIGN_IN, actor=form.user)
            return redirect(_safe_next(request) or "home")
        if form.cleaned_data.get("email"):
            # django-axes marks the request when this attempt is refused or reaches the
            # limit; its middleware then answers with signin_locked_out below.
            locked_out = getattr(request, "axes_locked_out", False)
            action = (
                AuditEvent.Action.SIGN_IN_LOCKED_OUT
                if locked_out
                else AuditEvent.Action.SIGN_IN_FAILED
            )
            audit.record(request, action, email=form.cleaned_data["email"])

    return render(request, "console/signin.html", {"form": form, "next": _safe_next(request)})


def lockout_minutes() -> int:
    return int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)


def signin_locked_out(request, original_response=None, credentials=None):
    """The sign-in page, saying why it refuses: too many failures for this email or
    from this address. The same words for every email, so nothing is revealed.
    A password reset request counts too; it reaching the limit keeps its own page."""
    if request.path == reverse("password_forgot"):
        from console.password_views import locked_out

        return locked_out(request)
    minutes = lockout_minutes()
    form = SignInForm(request, initial={"email": request.POST.get("email", "")})
    ctx = {
        "form": form,
        "next": _safe_next(request),
        "locked_out": LOCKED_OUT.format(minutes=minutes),
    }
    return render(request, "console/signin.html", ctx, status=429)


def _with_next(url: str, next_url: str | None) -> str:
    return f"{url}?{urlencode({'next': next_url})}" if next_url else url


@login_not_required
@sensitive_post_parameters("code")
@never_cache
def signin_code(request):
    """The second step of signing in with two-factor: a code after the password."""
    pending = two_factor.pending_sign_in(request)
    user = pending and User.objects.filter(pk=pending["user_id"], is_active=True).first()
    if not user:
        two_factor.end_pending_sign_in(request)
        messages.info(request, "Sign in with your email and password first.")
        return redirect(_with_next(reverse("signin"), _safe_next(request)))

    form = CodeForm(user, request.POST or None)
    if request.method == "POST":
        if form.is_valid():
            two_factor.end_pending_sign_in(request)
            login(request, user, backend=pending["backend"])
            otp_login(request, form.device)
            method = "recovery code" if form.used_recovery_code else "authenticator app"
            audit.record(request, AuditEvent.Action.SIGN_IN, actor=user, two_factor=method)
            if form.used_recovery_code:
                left = two_factor.recovery_codes_left(user)
                messages.warning(
                    request,
                    f"You signed in with a recovery code; {left} left. "
                    "Make new ones on your account page if you are running out.",
                )
            return redirect(_safe_next(request) or "home")
        audit.record(
            request,
            AuditEvent.Action.SIGN_IN_FAILED,
            email=user.email,
            reason="wrong two-factor code",
        )

    ctx = {"form": form, "next": _safe_next(request)}
    return render(request, "console/signin_code.html", ctx)


@require_POST
def signout(request):
    was_signed_in = request.user.is_authenticated
    audit.record(request, AuditEvent.Action.SIGN_OUT)
    logout(request)
    if was_signed_in:
        # Added after logout(), which empties the session: the sign-in page shows it.
        messages.success(request, "You have signed out.")
    return redirect("signin")


def home(request):
    """Land on the Access Keys page of the user's first project."""
    membership = (
        request.user.memberships.select_related("project")
        .order_by("project__name", "project__created_at")
        .first()
    )
    if membership is None:
        return render(request, "console/no_projects.html")
    return redirect("accesskeys:index", membership.project.public_id)


def buckets(request, public_id):
    project = load_project(request, public_id)
    form = BucketForm(project)
    if request.method == "POST":
        if not request.membership.is_admin:
            messages.error(request, BUCKETS_ADMIN_ONLY)
            return redirect("buckets", public_id)
        form = BucketForm(project, request.POST)
        if form.is_valid():
            bucket = form.save(request.user, audit.origin_of(request))
            if bucket is not None:
                messages.success(request, f"Bucket “{bucket.name}” created.")
                return redirect("buckets", public_id)

    ctx = {
        "buckets": project.buckets.all(),
        "form": form,
        "page": "buckets",
    }
    return render(request, "console/buckets.html", ctx)


@login_not_required
def project_salt(request, public_id):
    """The project salt, base64 in a JSON string, as Storj serves it."""
    if not request.user.is_authenticated:
        raise Http404("No such project.")
    project = load_project(request, public_id)
    return JsonResponse(base64.b64encode(bytes(project.salt)).decode(), safe=False)


@login_not_required
@never_cache
def healthz(request):
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception:
        return JsonResponse({"status": "unavailable", "database": "down"}, status=503)
    return JsonResponse({"status": "ok", "database": "up"})
