from donghanh.privacy.views import consent, requests, retention

app_name = "privacy"
urlpatterns = [*consent.urlpatterns, *requests.urlpatterns, *retention.urlpatterns]
