from django.urls import path

from donghanh.people.views import file, records, registry

app_name = "people"
urlpatterns = [
    path("", registry.person_list, name="list"),
    path("export.xlsx", registry.person_list_xlsx, name="list_xlsx"),
    path("new/", registry.person_register, name="register"),
    path("similar/", registry.similar_people, name="similar"),
    path("communes/", registry.commune_picker, name="commune_picker"),
    path("<int:pk>/", registry.person_detail, name="detail"),
    path("<int:pk>/file.pdf", file.person_file_pdf, name="file"),
    path("<int:pk>/edit/", registry.person_edit, name="edit"),
    path("<int:pk>/whereabouts/", registry.whereabouts_add, name="whereabouts"),
    path("<int:pk>/transfer/", registry.person_transfer, name="transfer"),
    path("<int:pk>/merge/", registry.person_merge, name="merge"),
    path("<int:pk>/drug-use/", records.drug_use_edit, name="drug_use"),
    path("<int:pk>/determinations/new/", records.determination_add, name="determination_add"),
    path("<int:pk>/tests/new/", records.drug_test_add, name="test_add"),
    path("<int:pk>/health/", records.health_edit, name="health"),
]
