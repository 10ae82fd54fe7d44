from django import forms
from django.utils.translation import gettext_lazy as _

from donghanh.people.filters import QUERY_MAX_LENGTH


class SearchForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=QUERY_MAX_LENGTH)
