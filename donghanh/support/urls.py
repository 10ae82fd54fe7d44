from django.urls import path

from donghanh.support.views import office, partners, person

app_name = "support"
urlpatterns = [
    # The commune's page: open referrals and the support given in a period.
    path("", office.overview, name="overview"),
    path("export.xlsx", office.overview_xlsx, name="overview_xlsx"),
    # A person's support tab and what it records.
    path("people/<int:pk>/", person.person_support, name="person"),
    path("people/<int:pk>/services/new/", person.service_add, name="service_add"),
    path("services/<int:pk>/edit/", person.service_edit, name="service_edit"),
    path("people/<int:pk>/referrals/new/", person.referral_add, name="referral_add"),
    path("referrals/<int:pk>/change/", person.referral_change, name="referral_change"),
    path("referrals/<int:pk>/follow-ups/new/", person.follow_up_add, name="follow_up_add"),
    # The partner directory.
    # (partner routes)
    path("partners/", partners.partner_list, name="partners"),
    path("partners/new/", partners.partner_create, name="partner_create"),
    path("partners/<int:pk>/", partners.partner_detail, name="partner"),
    path("partners/<int:pk>/edit/", partners.partner_edit, name="partner_edit"),
]
