from donghanh.orgunits.models import OrgUnit

CURRENT, LEGACY = OrgUnit.Era.CURRENT, OrgUnit.Era.LEGACY
L = OrgUnit.Level


def test_current_tree_has_34_provinces_and_3321_communes(db):
    assert OrgUnit.objects.filter(era=CURRENT, level=L.PROVINCE).count() == 34
    assert OrgUnit.objects.filter(era=CURRENT, level=L.COMMUNE).count() == 3321
