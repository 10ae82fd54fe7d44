from django.urls import path

from donghanh.people import views

app_name = "people"
urlpatterns = [
    path("", views.person_list, name="list"),
    path("new/", views.person_register, name="register"),
    path("similar/", views.similar_people, name="similar"),
    path("communes/", views.commune_picker, name="commune_picker"),
    path("<int:pk>/", views.person_detail, name="detail"),
    path("<int:pk>/edit/", views.person_edit, name="edit"),
    path("<int:pk>/whereabouts/", views.whereabouts_add, name="whereabouts"),
    path("<int:pk>/transfer/", views.person_transfer, name="transfer"),
    path("<int:pk>/merge/", views.person_merge, name="merge"),
    path("<int:pk>/drug-use/", views.drug_use_edit, name="drug_use"),
    path("<int:pk>/determinations/new/", views.determination_add, name="determination_add"),
    path("<int:pk>/tests/new/", views.drug_test_add, name="test_add"),
    path("<int:pk>/health/", views.health_edit, name="health"),
]
