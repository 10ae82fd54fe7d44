app_name = "people"
urlpatterns: list = []  # type: ignore[type-arg]
