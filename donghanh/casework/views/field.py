"""Placeholder: replaced by the real views."""

from django.http import Http404

from donghanh.core.access import login_only


@login_only
def work_list_page(request, *args, **kwargs):
    raise Http404


@login_only
def my_people(request, *args, **kwargs):
    raise Http404


@login_only
def person_quick_view(request, *args, **kwargs):
    raise Http404


@login_only
def contact_add(request, *args, **kwargs):
    raise Http404


@login_only
def assessment_form(request, *args, **kwargs):
    raise Http404


@login_only
def notifications(request, *args, **kwargs):
    raise Http404


@login_only
def notification_read(request, *args, **kwargs):
    raise Http404
