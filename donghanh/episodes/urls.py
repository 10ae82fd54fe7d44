from django.urls import path

from donghanh.episodes import views

app_name = "episodes"
urlpatterns = [
    path("new/<int:person_pk>/", views.episode_open, name="open"),
    path("rule-hint/", views.rule_hint, name="rule_hint"),
    path("<int:pk>/edit/", views.episode_edit, name="edit"),
    path("<int:pk>/close/", views.episode_close, name="close"),
    path("<int:pk>/close/outcome/", views.close_outcome, name="close_outcome"),
]
