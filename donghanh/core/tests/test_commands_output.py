"""`manage.py shell` imports the models, and no longer lists the change-history ones as failing to import; the log
prints each of Django's messages once."""

from __future__ import annotations

import logging

from django.core.management import call_command


def test_the_shell_imports_the_models_and_names_no_failure(capsys):
    call_command("shell", command="print(Person.__name__, 'HistoricalPerson' in globals())", verbosity=1)
    out = capsys.readouterr().out
    assert "Person False" in out
    assert "could not be automatically imported" not in out
    assert "objects imported automatically" in out


def test_django_s_messages_reach_one_console_handler():
    """A task's start and end (`django.tasks`) and Django's other messages go to the root's console handler only;
    Django's default console handler beside it printed each line twice under DEBUG (`make run`'s worker)."""
    consoles = []
    logger: logging.Logger | None = logging.getLogger("django.tasks")
    while logger is not None:
        consoles += [handler for handler in logger.handlers if type(handler) is logging.StreamHandler]
        logger = logger.parent if logger.propagate else None
    assert len(consoles) == 1
