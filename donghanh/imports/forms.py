from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.template.defaultfilters import floatformat
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from donghanh.core import xlsx_read
from donghanh.imports.choices import ImportKind
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
    """One radio per possible match: `row-<n>` = confirm | reject; built from the rows of the preview."""

    def __init__(self, *args: Any, rows: list[int], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        from donghanh.imports.choices import Decision

        for row in rows:
            self.fields[f"row-{row}"] = forms.ChoiceField(
                choices=Decision.choices, required=False, widget=forms.RadioSelect, label=str(row)
            )

    def decisions(self) -> dict[str, str]:
        return {name.removeprefix("row-"): value for name, value in self.cleaned_data.items() if value}
