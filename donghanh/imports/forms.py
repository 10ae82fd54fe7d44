from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.template.defaultfilters import floatformat
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from donghanh.core import xlsx_read
from donghanh.imports.choices import Decision, ImportKind
from donghanh.orgunits.models import OrgUnit


class ImportForm(forms.Form):
    kind = forms.ChoiceField(label=gettext_lazy("What the file holds"), choices=ImportKind.choices)
    unit = forms.ModelChoiceField(label=gettext_lazy("Unit"), queryset=OrgUnit.objects.none(), empty_label=None)
    file = forms.FileField(
        label=gettext_lazy("Excel file (.xlsx)"),
        help_text=gettext_lazy("At most 20 MB and 50,000 rows. Nothing is written until you confirm the preview."),
        widget=forms.ClearableFileInput(
            attrs={"accept": ".xlsx,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}
        ),
    )

    def __init__(self, *args: Any, units: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units  # type: ignore[attr-defined]
        for name, field in self.fields.items():
            field.widget.attrs["class"] = "form-select" if name in ("kind", "unit") else "form-control"

    def clean_file(self) -> Any:
        upload: UploadedFile[Any] = self.cleaned_data["file"]
        limit = int(getattr(settings, "IMPORT_MAX_BYTES", xlsx_read.MAX_BYTES))  # read no further than the check would
        if upload.size is not None and upload.size > limit:
            raise forms.ValidationError(
                _("The file is larger than %(limit)s MB. Split the data into smaller files and upload each one.")
                % {"limit": floatformat(limit / (1024 * 1024), -1)}  # as the reader says it: 0,5 MB
            )
        return upload


class DecisionsForm(forms.Form):
    """A choice per possible match, `row-<n>`: one of the registered people named (their id), or another person
    (`reject`); `all` answers every row at once (`confirm`: the one person named, where there is one)."""

    all = forms.ChoiceField(choices=Decision.choices, required=False)

    def __init__(self, *args: Any, matches: list[dict[str, Any]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.matches = matches
        for entry in matches:
            choices = [(str(c["id"]), c["label"]) for c in entry.get("candidates", [])]
            self.fields[f"row-{entry['row']}"] = forms.ChoiceField(
                choices=[*choices, (Decision.REJECT, Decision.REJECT.label)], required=False, widget=forms.RadioSelect
            )

    def decisions(self) -> dict[str, str]:
        everyone = self.cleaned_data.get("all")
        if everyone:
            return {
                str(entry["row"]): everyone
                for entry in self.matches
                if everyone == Decision.REJECT or len(entry.get("candidates", [])) == 1
            }
        return {
            name.removeprefix("row-"): value
            for name, value in self.cleaned_data.items()
            if name.startswith("row-") and value
        }
