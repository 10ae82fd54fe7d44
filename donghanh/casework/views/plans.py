"""Placeholder: replaced by the real views."""

from django.http import Http404

from donghanh.core.access import login_only


@login_only
def plan_page(request, *args, **kwargs):
    raise Http404


@login_only
def goal_add(request, *args, **kwargs):
    raise Http404


@login_only
def goal_edit(request, *args, **kwargs):
    raise Http404


@login_only
def plan_close(request, *args, **kwargs):
    raise Http404


@login_only
def instrument_add(request, *args, **kwargs):
    raise Http404
