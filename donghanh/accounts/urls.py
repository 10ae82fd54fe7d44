from django.urls import path

from donghanh.accounts import second_factor_views, views

app_name = "accounts"
urlpatterns = [
    path("", views.user_list, name="list"),
    path("new/", views.user_create, name="create"),
    path("<int:pk>/", views.user_detail, name="detail"),
    path("<int:pk>/edit/", views.user_edit, name="edit"),
    path("<int:pk>/password/", views.user_password, name="password"),
    path(
        "<int:pk>/second-factor/reset/",
        second_factor_views.user_second_factor_reset,
        name="second_factor_reset",
    ),
    path("<int:pk>/roles/", views.role_add, name="role_add"),
    path("<int:pk>/roles/<int:assignment_pk>/remove/", views.role_remove, name="role_remove"),
    path("<int:pk>/tokens/revoke/", views.token_revoke, name="token_revoke"),
]
