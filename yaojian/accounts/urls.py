from django.urls import path

from yaojian.accounts import views

app_name = "accounts"

urlpatterns = [
    path("home/", views.home, name="home"),
    path("login/", views.login_view, name="login"),
    path("login/verify/", views.login_verify, name="login_verify"),
    path("logout/", views.logout_view, name="logout"),
    path("register/enterprise/", views.register_enterprise, name="register_enterprise"),
    path("register/public/", views.register_public, name="register_public"),
    path("account/", views.account, name="account"),
    path("account/password/", views.password_change, name="password_change"),
    path("account/mfa/", views.mfa_setup, name="mfa_setup"),
    path("account/mfa/recovery-codes/", views.recovery_codes, name="recovery_codes"),
    path("enterprise/accounts/", views.enterprise_accounts, name="enterprise_accounts"),
    path(
        "enterprise/accounts/<int:user_id>/rights/",
        views.enterprise_account_rights,
        name="enterprise_account_rights",
    ),
    path(
        "enterprise/accounts/<int:user_id>/active/",
        views.enterprise_account_active,
        name="enterprise_account_active",
    ),
    path("enterprise/tokens/", views.enterprise_tokens, name="enterprise_tokens"),
    path(
        "enterprise/tokens/<int:token_id>/revoke/",
        views.enterprise_token_revoke,
        name="enterprise_token_revoke",
    ),
    path("workbench/users/", views.users, name="users"),
    path("workbench/users/<int:user_id>/<slug:action>/", views.user_action, name="user_action"),
]
