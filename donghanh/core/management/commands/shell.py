"""Django's shell, importing every model but the change-history ones: django-simple-history makes them at run time,
so no module holds them by name and the shell listed each as one it could not import."""

from django.apps import apps
from django.core.management.commands.shell import Command as ShellCommand
from simple_history.models import HistoricalChanges


class Command(ShellCommand):
    def get_auto_imports(self) -> list[str]:
        history = {f"{m.__module__}.{m.__name__}" for m in apps.get_models() if issubclass(m, HistoricalChanges)}
        return [path for path in super().get_auto_imports() or [] if path not in history]
