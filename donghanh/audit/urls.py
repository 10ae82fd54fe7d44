from django.urls import path

from donghanh.audit import views

app_name = "audit"
urlpatterns = [
    path("access-log/", views.access_log, name="access_log"),
    path("access-log/review/", views.access_review, name="access_review"),
]
