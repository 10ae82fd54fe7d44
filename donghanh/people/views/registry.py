"""Pages of the people registry: the list, registration, a person's page and the forms that change it.

Reads start from the user's scope (`people_for_user`, `status_as_of` through PersonFilter), so a
person outside it answers 404; writes go through the services. Sensitive sections (legal
measures, drug use, tests, health) are shown by capability at the person's commune, and a page
that shows any of them writes one access-log entry naming what was seen.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass, field
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, QuerySet
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from donghanh.accounts.access import scoped
from donghanh.accounts.http import AppRequest
from donghanh.accounts.permissions import Capability
from donghanh.accounts.scope import scope_for
from donghanh.audit.downloads import list_file_download
from donghanh.audit.services import access_log_record, access_log_record_many
from donghanh.core.filters import as_id
from donghanh.core.forms import apply_service_errors, filters_in_use
from donghanh.core.pagination import paginate
from donghanh.core.throttles import DownloadThrottle, throttled
from donghanh.core.versions import Conflict, StaleVersion, loaded_version, version_conflict, with_version
from donghanh.core.xlsx import xlsx_url
from donghanh.orgunits.models import OrgUnit
from donghanh.orgunits.selectors import filter_by_name as units_by_name
from donghanh.people import exports, services
from donghanh.people.choices import RosterExit, Whereabouts
from donghanh.people.extensions import person_sections
from donghanh.people.filters import FOUND_BY_NUMBER, ON_ROSTER, PersonFilter, searches_by_number
from donghanh.people.forms import (
    PersonForm,
    PersonRegisterForm,
    WhereaboutsForm,
    current_communes,
)
from donghanh.people.models import Person
from donghanh.people.selectors import filter_by_name, likely_duplicates, people_for_user
from donghanh.people.sensitive import sensitive_records

PICKER_FIELD = re.compile(r"^[a-z_]{1,30}$")


def _person_for(request: AppRequest, pk: int, capability: Capability) -> Person:
    """A person in the user's scope (404 otherwise) whose commune the user may act on with `capability` (403)."""
    person = get_object_or_404(people_for_user(request.user).select_related("unit__parent"), pk=pk)
    if not scope_for(request.user).can_at(capability, person.unit.path):
        raise PermissionDenied
    return person


def _find(people: QuerySet[Person], query: str) -> QuerySet[Person]:
    """By code (DH0000123) or by any of the names, with or without diacritics."""
    query = query.strip()
    if query.upper().startswith("DH") and query[2:].isdigit():
        return people.filter(code__iexact=query)
    return filter_by_name(people, query)


def _picked_units(form: forms.Form, *names: str) -> dict[str, OrgUnit | None]:
    """The commune each picker field holds now (typed or initial), to show it chosen when the form comes back."""
    picked: dict[str, OrgUnit | None] = {}
    for name in names:
        value = form[name].value()
        picked[name] = current_communes().filter(pk=pk).first() if (pk := as_id(value)) else None
    return picked


# --- the list -----------------------------------------------------------------------------------


@dataclass
class PersonRow:
    person: Person
    commune: str
    whereabouts: str
    since: datetime.date | None
    measures: list[Any] | None = field(default=None)
    left_on: datetime.date | None = None  # the last day on the roster, when the person had left it by the day shown
    left_reason: str = ""


@scoped(Capability.VIEW_PEOPLE)
def person_list(request: AppRequest) -> HttpResponse:
    """People managed on a date (today unless asked) by the user's communes, filtered; the table alone for htmx."""
    scope = scope_for(request.user)
    may_see_episodes = scope.can(Capability.VIEW_EPISODES)
    # Bound even without parameters: an unbound filter set matches no one.
    filterset = PersonFilter(request.GET, request=request)
    page = paginate(request, filterset.qs)
    people: list[Person] = list(page.object_list)
    if people and searches_by_number(request.GET.get("q", "")):
        # Looking someone up by their CCCD or phone number is logged, as viewing their record would be.
        records = [(person, person.unit) for person in people]
        access_log_record_many(actor=request.user, records=records, detail=FOUND_BY_NUMBER, request=request)
    communes = dict(
        OrgUnit.objects.filter(pk__in={p.unit_at for p in people}).values_list("pk", "name")  # type: ignore[attr-defined]
    )
    labels, exits = dict(Whereabouts.choices), dict(RosterExit.choices)
    day = filterset.day if filterset.is_valid() else timezone.localdate()
    rows = []
    for p in people:
        end = getattr(p, "roster_end", None)  # annotated when the list includes people who left the roster
        left_on = end if end is not None and end <= day else None
        rows.append(
            PersonRow(
                person=p,
                commune=communes.get(p.unit_at, ""),  # type: ignore[attr-defined]
                whereabouts=str(labels.get(p.whereabouts_at, "")),  # type: ignore[attr-defined]
                since=p.whereabouts_since,  # type: ignore[attr-defined]
                measures=(
                    p.active_episodes  # type: ignore[attr-defined]
                    if may_see_episodes and scope.can_at(Capability.VIEW_EPISODES, p.unit.path)
                    else None
                ),
                left_on=left_on,
                left_reason=str(exits.get(getattr(p, "roster_end_reason", ""), "")) if left_on else "",
            )
        )
    filter_form = filterset.form
    for form_field in filter_form.fields.values():
        form_field.widget.attrs["class"] = (
            "form-select" if isinstance(form_field.widget, forms.Select) else "form-control"
        )
        if isinstance(form_field.widget, forms.SelectMultiple):
            form_field.widget.attrs["size"] = "4"
    # The short fields first, the lists of measures and whereabouts below them.
    first = ["roster", "as_of", "q", "sex", "hamlet", "age_band", "whereabouts"]
    order = [n for n in first if n in filter_form.fields] + [n for n in filter_form.fields if n not in first]
    shown_filters = [filter_form[name] for name in order if name != "episode_type" or may_see_episodes]
    context = {
        "filterset": filterset,
        "filter_fields": shown_filters,
        # On a phone the filters are folded under a button that counts those in use.
        "filter_count": filters_in_use(filter_form, [f.name for f in shown_filters], defaults={"roster": ON_ROSTER}),
        "page": page,
        "rows": rows,
        "day": day if filterset.is_valid() else None,
        "roster": filterset.roster_choice if filterset.is_valid() else "on",
        "filtered": any(value for key, value in request.GET.items() if key != "page"),
        "may_see_episodes": may_see_episodes,
        "can_register": scope.can(Capability.MANAGE_PEOPLE),
        "xlsx_url": xlsx_url(request, "people:list_xlsx"),
    }
    template = "people/person_list.html#results" if request.htmx else "people/person_list.html"
    return render(request, template, context)


@scoped(Capability.VIEW_PEOPLE)
@require_GET
def person_list_xlsx(request: AppRequest) -> HttpResponse:
    """The list with the filters on screen as an Excel file, every page of it; logged as an export."""
    refused = throttled(request, DownloadThrottle())  # at most THROTTLE_RATES["download"] files a user
    if refused is not None:
        return refused
    made = exports.person_list_file(request)
    return list_file_download(request, made, exports.EXPORTED)


# --- registration -------------------------------------------------------------------------------


def _year(text: str | None) -> int | None:
    text = (text or "").strip()
    if text.isascii() and text.isdigit() and 1900 <= int(text) <= 2100:
        return int(text)
    match = re.search(r"(\d{4})$", text)  # a date of birth typed dd/mm/yyyy
    return int(match.group(1)) if match and 1900 <= int(match.group(1)) <= 2100 else None


def _similar(user: Any, full_name: str, birth_year: int | None) -> list[tuple[Person, bool]]:
    """Likely existing records of this person anywhere, each with whether the user may open it (one query)."""
    candidates = list(likely_duplicates(full_name, birth_year=birth_year))
    visible = set(people_for_user(user).filter(pk__in=[p.pk for p in candidates]).values_list("pk", flat=True))
    return [(p, p.pk in visible) for p in candidates]


@scoped(Capability.VIEW_PEOPLE)
def similar_people(request: AppRequest) -> HttpResponse:
    """Search before registering: people already registered with a name like the one typed (htmx)."""
    full_name = request.GET.get("full_name", "")
    birth_year = _year(request.GET.get("birth_year")) or _year(request.GET.get("birth_date"))
    return render(
        request, "people/_similar.html", {"similar": _similar(request.user, full_name, birth_year), "name": full_name}
    )


@scoped(Capability.MANAGE_PEOPLE)
def person_register(request: AppRequest) -> HttpResponse:
    communes = OrgUnit.objects.accessible_to(request.user, Capability.MANAGE_PEOPLE).filter(
        era=OrgUnit.Era.CURRENT, level=OrgUnit.Level.COMMUNE
    )
    managed = list(communes.select_related("parent")[:2])
    only_commune = managed[0] if len(managed) == 1 else None
    form = PersonRegisterForm(
        request.POST or None, communes=communes, initial={"unit": only_commune.pk} if only_commune else {}
    )
    duplicate: Person | None = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            person = services.person_register(
                actor=request.user,
                unit=data["unit"],
                birth_year=data["birth_year"],
                registered_on=data["registered_on"],
                whereabouts=data["whereabouts"],
                **form.person_fields(),
            )
        except services.DuplicateCitizenId as error:
            apply_service_errors(form, error)
            duplicate = error.existing
        except ValidationError as error:
            apply_service_errors(form, error)
        except PermissionDenied as error:
            form.add_error("unit", str(error))
        else:
            messages.success(
                request,
                _("%(name)s is registered with the code %(code)s.") % {"name": person.full_name, "code": person.code},
            )
            return redirect("people:detail", pk=person.pk)
    name = form["full_name"].value() or ""
    typed_year = _year(str(form["birth_year"].value() or "")) or _year(str(form["birth_date"].value() or ""))
    context = {
        "form": form,
        "title": _("Register a person"),
        "registering": True,
        "only_commune": only_commune,
        "picked": _picked_units(form, "unit", "permanent_unit"),
        "duplicate": duplicate,
        "duplicate_visible": bool(duplicate and people_for_user(request.user).filter(pk=duplicate.pk).exists()),
        "similar": _similar(request.user, name, typed_year) if name else [],
        "name": name,
    }
    return render(request, "people/person_form.html", context, status=400 if request.method == "POST" else 200)


# --- a person's page ----------------------------------------------------------------------------


def _follow_merge(request: AppRequest, merged: Person) -> HttpResponse:
    """A merged record's page sends to the record it was merged into, if the user may see that one."""
    kept, seen = merged, set()
    while kept.merged_into_id is not None and kept.pk not in seen:
        seen.add(kept.pk)
        kept = Person.objects.get(pk=kept.merged_into_id)
    if not people_for_user(request.user).filter(pk=kept.pk).exists():
        raise Http404
    messages.info(
        request,
        _("Record %(old)s was merged into %(code)s: this is the record kept.")
        % {"old": merged.code, "code": kept.code},
    )
    return redirect("people:detail", pk=kept.pk)


@scoped(Capability.VIEW_PEOPLE)
def person_detail(request: AppRequest, pk: int) -> HttpResponse:
    person = get_object_or_404(
        Person.objects.accessible_to(request.user).select_related("unit__parent", "permanent_unit__parent"), pk=pk
    )
    if person.merged_into_id is not None:
        return _follow_merge(request, person)
    scope = scope_for(request.user)
    path = person.unit.path
    context: dict[str, Any] = {
        "person": person,
        "age": person.age_on(timezone.localdate()),
        "whereabouts": list(person.whereabouts_records.order_by("-since", "-pk")),
        "can_manage": scope.can_at(Capability.MANAGE_PEOPLE, path),
        "can_record_drug_use": scope.can_at(Capability.RECORD_DRUG_USE, path),
        "can_record_health": scope.can_at(Capability.RECORD_HEALTH, path),
        "support_tab": scope.can_at(Capability.VIEW_SUPPORT, path),
        "sections": [],
    }
    # The sections of the apps above, in their order; the registry's own sensitive ones come at 50.
    seen_by_order: list[tuple[int, list[str]]] = []
    for section in person_sections():
        shown = section.context(request, person)
        if shown is not None:
            context.update(shown.values)
            context["sections"].append(section.template)
            seen_by_order.append((section.order, shown.seen))
    own = sensitive_records(request.user, person)
    context.update(own.values)
    seen_by_order.append((50, own.seen))
    seen = [word for _order, words in sorted(seen_by_order, key=lambda s: s[0]) for word in words]
    if seen:
        access_log_record(actor=request.user, obj=person, detail=", ".join(seen), unit=person.unit, request=request)
    return render(request, "people/person_detail.html", context)


# --- changes to a person ------------------------------------------------------------------------


@scoped(Capability.MANAGE_PEOPLE)
def person_edit(request: AppRequest, pk: int) -> HttpResponse:
    """Identity, residence and circumstances; the managing commune changes only by a transfer."""
    person = _person_for(request, pk, Capability.MANAGE_PEOPLE)
    form = with_version(PersonForm(request.POST or None, initial=PersonForm.initial_from(person)), person)
    duplicate: Person | None = None
    conflict: Conflict | None = None
    if request.method == "POST":
        if form.is_valid():
            try:
                services.person_update(
                    actor=request.user,
                    person=person,
                    expected_version=loaded_version(form),
                    birth_year=form.cleaned_data["birth_year"],
                    **form.person_fields(),
                )
            except StaleVersion as stale:
                conflict = version_conflict(form, stale)
            except services.DuplicateCitizenId as error:
                apply_service_errors(form, error)
                duplicate = error.existing
            except ValidationError as error:
                apply_service_errors(form, error)
            else:
                messages.success(request, _("Changes saved."))
                return redirect("people:detail", pk=person.pk)
        person.refresh_from_db()  # the refused values stay in the form, not on the record shown
    context = {
        "form": form,
        "person": person,
        "title": _("Edit %(name)s") % {"name": person.full_name},
        "registering": False,
        "picked": _picked_units(form, "permanent_unit"),
        "duplicate": duplicate,
        "duplicate_visible": bool(duplicate and people_for_user(request.user).filter(pk=duplicate.pk).exists()),
        "version_conflict": conflict,
    }
    status = 409 if conflict else 400 if request.method == "POST" else 200
    return render(request, "people/person_form.html", context, status=status)


def _record_page(
    request: AppRequest, person: Person, form: forms.Form, title: str, *, groups: Any = None, **extra: Any
) -> HttpResponse:
    """The page of a small form about a person; a refused form comes back with status 400."""
    context = {"person": person, "form": form, "title": title, "groups": groups or [(None, list(form))], **extra}
    status = 409 if extra.get("version_conflict") else 400 if request.method == "POST" else 200
    return render(request, "people/record_form.html", context, status=status)


@scoped(Capability.MANAGE_PEOPLE)
def whereabouts_add(request: AppRequest, pk: int) -> HttpResponse:
    person = _person_for(request, pk, Capability.MANAGE_PEOPLE)
    form = WhereaboutsForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.whereabouts_record(actor=request.user, person=person, **form.cleaned_data)
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, _("Whereabouts recorded."))
            return redirect("people:detail", pk=person.pk)
    current = person.whereabouts_records.order_by("-since", "-pk").first()
    return _record_page(request, person, form, _("Record whereabouts"), current_whereabouts=current)


@scoped(Capability.MANAGE_PEOPLE)
def person_transfer(request: AppRequest, pk: int) -> HttpResponse:
    """A move between communes is proposed to the receiving commune, which takes the person on when it accepts."""
    person = _person_for(request, pk, Capability.MANAGE_PEOPLE)
    return redirect("roster:transfer_propose", pk=person.pk)


@scoped(Capability.VIEW_PEOPLE)
def commune_picker(request: AppRequest) -> HttpResponse:
    """Current communes of the whole country matching a name, as radio buttons (htmx).

    Names of communes are public reference data: a person may move to, or be registered as
    living in, a commune outside the user's scope.
    """
    name = request.GET.get("field", "")
    field_name = name if PICKER_FIELD.match(name) else "to_unit"
    query = (request.GET.get("q") or request.GET.get(f"{field_name}_query") or "").strip()
    units = units_by_name(current_communes(), query).order_by("search_name", "path")[:15] if len(query) >= 2 else []
    return render(request, "orgunits/unit_picker.html", {"units": units, "field": field_name, "query": query})


@scoped(Capability.MANAGE_PEOPLE)
def person_merge(request: AppRequest, pk: int) -> HttpResponse:
    """Find a duplicate record of this person, compare the two, and merge the duplicate into this one."""
    person = _person_for(request, pk, Capability.MANAGE_PEOPLE)
    others = people_for_user(request.user).exclude(pk=person.pk)
    chosen = request.POST.get("duplicate") or request.GET.get("duplicate") or ""
    if not chosen:
        query = request.GET.get("q", "").strip()
        results = list(_find(others, query)[:20]) if len(query) >= 2 else []
        return render(request, "people/person_merge.html", {"person": person, "query": query, "results": results})

    chosen_id = as_id(chosen)
    if chosen_id is None:
        raise Http404
    duplicate = get_object_or_404(others, pk=chosen_id)
    error = ""
    if request.method == "POST":
        try:
            services.person_merge(actor=request.user, keep=person, duplicate=duplicate)
        except (ValidationError, PermissionDenied) as refusal:
            error = " ".join(refusal.messages) if isinstance(refusal, ValidationError) else str(refusal)
            person.refresh_from_db()
            duplicate.refresh_from_db()
        else:
            messages.success(
                request,
                _("%(old)s was merged into this record.") % {"old": f"{duplicate.full_name} ({duplicate.code})"},
            )
            return redirect("people:detail", pk=person.pk)
    counted = Person.objects.filter(pk__in=[person.pk, duplicate.pk]).annotate(
        episode_count=Count("episodes", distinct=True), test_count=Count("drug_tests", distinct=True)
    )
    counts = {p.pk: p for p in counted}
    scope = scope_for(request.user)
    context = {
        "person": person,
        "duplicate": duplicate,
        "pair": [(person, counts[person.pk]), (duplicate, counts[duplicate.pk])],
        "show_episode_counts": all(scope.can_at(Capability.VIEW_EPISODES, p.unit.path) for p in (person, duplicate)),
        "show_test_counts": all(scope.can_at(Capability.VIEW_DRUG_USE, p.unit.path) for p in (person, duplicate)),
        "error": error,
    }
    return render(request, "people/person_merge_confirm.html", context, status=400 if error else 200)
