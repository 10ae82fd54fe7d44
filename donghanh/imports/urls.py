from django.urls import path

from donghanh.imports import views

app_name = "imports"

urlpatterns = [
    path("", views.import_list, name="list"),
    path("new/", views.import_new, name="new"),
    path("templates/<str:kind>.xlsx", views.template_download, name="template"),
    path("<int:pk>/", views.import_detail, name="detail"),
    path("<int:pk>/status/", views.import_status, name="status"),
    path("<int:pk>/decide/", views.import_decide, name="decide"),
    path("<int:pk>/apply/", views.import_apply, name="apply"),
    path("<int:pk>/undo/", views.import_undo, name="undo"),
]
