import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _

from donghanh.audit.models import AccessLogEntry


class AccessLogFilter(django_filters.FilterSet):
    username = django_filters.CharFilter(field_name="username", lookup_expr="icontains", label=_("User name"))
    action = django_filters.ChoiceFilter(choices=AccessLogEntry.Action.choices, label=_("Action"))
    since = django_filters.DateFilter(
        field_name="at", lookup_expr="date__gte", label=_("From (dd/mm/yyyy)"), widget=forms.DateInput()
    )
    until = django_filters.DateFilter(
        field_name="at", lookup_expr="date__lte", label=_("To (dd/mm/yyyy)"), widget=forms.DateInput()
    )

    class Meta:
        model = AccessLogEntry
        fields = ["username", "action", "since", "until"]
