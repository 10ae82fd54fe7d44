app_name = "episodes"
urlpatterns: list = []  # type: ignore[type-arg]
