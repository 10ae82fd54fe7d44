from donghanh.roster.views import movement, release

app_name = "roster"
urlpatterns = [*movement.urlpatterns, *release.urlpatterns]
