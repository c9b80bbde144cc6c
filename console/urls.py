"""The console's pages: sign-in, projects, buckets, team, the event log's CSV."""

from django.urls import path

from console import (
    account_views,
    event_log_views,
    invitation_views,
    password_views,
    project_views,
    signup_views,
    team_views,
    views,
)

urlpatterns = [
    path("", views.home, name="home"),
    path("signin/", views.signin, name="signin"),
    path("signin/code/", views.signin_code, name="signin_code"),
    path("signout/", views.signout, name="signout"),
    path("signin/forgot/", password_views.forgot_password, name="password_forgot"),
    # The mailed link; it redirects to the token-free page below.
    path("password-reset/<str:token>/", password_views.reset_link, name="password_reset_link"),
    path("password-reset/", password_views.reset_password, name="password_reset"),
    path("signup/", signup_views.signup_start, name="signup"),
    # The mailed link; it redirects to the token-free page below.
    path("signup/verify/<str:token>/", signup_views.signup_link, name="signup_link"),
    path("signup/verify/", signup_views.signup_finish, name="signup_finish"),
    path("account/", account_views.account, name="account"),
    path("account/password/", account_views.change_password, name="password_change"),
    path("account/two-factor/", account_views.two_factor_setup, name="two_factor_setup"),
    path(
        "account/two-factor/recovery-codes/",
        account_views.two_factor_recovery_codes,
        name="two_factor_recovery_codes",
    ),
    path(
        "account/two-factor/turn-off/",
        account_views.two_factor_turn_off,
        name="two_factor_turn_off",
    ),
    path("healthz", views.healthz, name="healthz"),
    path("projects/new/", project_views.new_project, name="project_new"),
    path(
        "projects/<uuid:public_id>/settings/",
        project_views.project_settings,
        name="project_settings",
    ),
    path(
        "projects/<uuid:public_id>/settings/two-factor/",
        project_views.project_two_factor,
        name="project_two_factor",
    ),
    path(
        "projects/<uuid:public_id>/settings/key-lifetime/",
        project_views.project_key_lifetime,
        name="project_key_lifetime",
    ),
    path(
        "projects/<uuid:public_id>/settings/expiry-reminders/",
        project_views.project_expiry_reminders,
        name="project_expiry_reminders",
    ),
    path("projects/<uuid:public_id>/buckets/", views.buckets, name="buckets"),
    path("projects/<uuid:public_id>/team/", team_views.team, name="team"),
    path(
        "projects/<uuid:public_id>/team/<int:membership_id>/role/",
        team_views.change_role,
        name="team_role",
    ),
    path(
        "projects/<uuid:public_id>/audit/events.csv",
        event_log_views.events_csv,
        name="audit_events_csv",
    ),
    path(
        "projects/<uuid:public_id>/team/invitations/<int:invitation_id>/cancel/",
        team_views.cancel_invitation,
        name="team_invitation_cancel",
    ),
    path(
        "projects/<uuid:public_id>/team/invitations/<int:invitation_id>/resend/",
        team_views.resend_invitation,
        name="team_invitation_resend",
    ),
    # The link mailed to an invited person; it redirects to the token-free page below.
    path("invitations/<str:token>/", invitation_views.open_link, name="invitation_link"),
    path("invitation/", invitation_views.invitation, name="invitation"),
    path("api/v0/projects/<uuid:public_id>/salt", views.project_salt, name="project_salt"),
]
