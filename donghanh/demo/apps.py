from django.apps import AppConfig


class DemoConfig(AppConfig):
    """Demo data for a laptop (`manage.py demo_data`): it writes through every domain app's services, so it sits
    at the top of the layers and nothing imports it. No models."""

    name = "donghanh.demo"
    label = "demo"
