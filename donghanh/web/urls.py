from django.urls import path

from donghanh.web import guide, views

urlpatterns = [
    path("", views.home, name="home"),
    path("profile/", views.profile, name="profile"),
    path("help/", guide.help_index, name="help"),
    path("help/<slug:slug>/", guide.help_guide, name="help_guide"),
    path("healthz/", views.healthz, name="healthz"),
    path("i18n/setlang/", views.set_language, name="set_language"),
]
