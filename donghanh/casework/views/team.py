"""Placeholder: replaced by the real views."""

from django.http import Http404

from donghanh.core.access import login_only


@login_only
def team_list(request, *args, **kwargs):
    raise Http404


@login_only
def team_create(request, *args, **kwargs):
    raise Http404


@login_only
def team_detail(request, *args, **kwargs):
    raise Http404


@login_only
def team_edit(request, *args, **kwargs):
    raise Http404


@login_only
def volunteer_add(request, *args, **kwargs):
    raise Http404


@login_only
def volunteer_detail(request, *args, **kwargs):
    raise Http404


@login_only
def volunteer_edit(request, *args, **kwargs):
    raise Http404


@login_only
def coverage_page(request, *args, **kwargs):
    raise Http404


@login_only
def assign(request, *args, **kwargs):
    raise Http404


@login_only
def assignment_end(request, *args, **kwargs):
    raise Http404


@login_only
def overdue(request, *args, **kwargs):
    raise Http404


@login_only
def quarter_latest(request, *args, **kwargs):
    raise Http404


@login_only
def quarter_signoff(request, *args, **kwargs):
    raise Http404


@login_only
def rating_scale(request, *args, **kwargs):
    raise Http404
