"""Form pieces for picking a unit of the tree."""

from __future__ import annotations

from django import forms

from donghanh.orgunits.models import OrgUnit


def unit_label(unit: OrgUnit) -> str:
    """A commune with its province, so two communes of the same name in two provinces can be told apart."""
    if unit.level == OrgUnit.Level.COMMUNE and unit.parent is not None:
        return f"{unit.name} — {unit.parent.name}"
    return unit.name


class UnitChoiceField(forms.ModelChoiceField[OrgUnit]):
    def label_from_instance(self, obj: OrgUnit) -> str:
        return unit_label(obj)
