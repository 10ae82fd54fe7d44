from django.urls import path

from donghanh.orgunits import views

app_name = "orgunits"
urlpatterns = [
    path("", views.unit_list, name="list"),
    path("picker/", views.unit_picker, name="picker"),
    path("<int:pk>/", views.unit_detail, name="detail"),
]
