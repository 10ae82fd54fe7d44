from django.urls import path

from donghanh.accounts import password_reset_views, second_factor_views, views

urlpatterns = [
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", views.LogoutView.as_view(), name="logout"),
    path("two-factor/", second_factor_views.second_factor, name="second_factor"),
    path("two-factor/verify/", second_factor_views.second_factor_verify, name="second_factor_verify"),
    path("two-factor/enrol/", second_factor_views.second_factor_enrol, name="second_factor_enrol"),
    path("two-factor/recovery-codes/", second_factor_views.second_factor_codes, name="second_factor_codes"),
    path("two-factor/off/", second_factor_views.second_factor_off, name="second_factor_off"),
    path("api-token/", views.api_token, name="api_token"),
    path("password/", views.password_change, name="password_change"),
    path("password/reset/", password_reset_views.PasswordResetRequestView.as_view(), name="password_reset"),
    path("password/reset/sent/", password_reset_views.PasswordResetSentView.as_view(), name="password_reset_sent"),
    path(
        "password/reset/<uidb64>/<token>/",
        password_reset_views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
]
