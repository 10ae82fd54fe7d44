from django.urls import path

from donghanh.casework.views import field, notifications, plans, quarter, team

app_name = "casework"
urlpatterns = [
    # The volunteer's pages (phone first) and everyone's work list.
    path("", field.work_list_page, name="worklist"),
    path("export.xlsx", field.work_list_xlsx, name="worklist_xlsx"),
    path("my-people/", field.my_people, name="my_people"),
    path("people/<int:pk>/", field.person_quick_view, name="person"),
    path("people/<int:pk>/contacts/new/", field.contact_add, name="contact_add"),
    path("people/<int:pk>/assessment/", field.assessment_form, name="assessment"),
    path("notifications/", field.notifications, name="notifications"),
    path("notifications/<int:pk>/read/", field.notification_read, name="notification_read"),
    path("notifications/count/", notifications.notification_count, name="notification_count"),
    path("notifications/settings/", notifications.notification_settings, name="notification_settings"),
    # The commune officer's pages.
    path("teams/", team.team_list, name="teams"),
    path("teams/new/", team.team_create, name="team_create"),
    path("teams/<int:pk>/", team.team_detail, name="team_detail"),
    path("teams/<int:pk>/export.xlsx", team.team_xlsx, name="team_xlsx"),
    path("teams/<int:pk>/edit/", team.team_edit, name="team_edit"),
    path("teams/<int:pk>/volunteers/new/", team.volunteer_add, name="volunteer_add"),
    path("volunteers/<int:pk>/", team.volunteer_detail, name="volunteer_detail"),
    path("volunteers/<int:pk>/edit/", team.volunteer_edit, name="volunteer_edit"),
    path("coverage/", team.coverage_page, name="coverage"),
    path("coverage/export.xlsx", team.coverage_xlsx, name="coverage_xlsx"),
    path("people/<int:pk>/assign/", team.assign, name="assign"),
    path("assignments/<int:pk>/end/", team.assignment_end, name="assignment_end"),
    path("overdue/", team.overdue, name="overdue"),
    path("quarters/", quarter.quarter_latest, name="quarter_latest"),
    path("quarters/<int:year>/<int:quarter>/", quarter.quarter_signoff, name="quarter"),
    path("scale/", quarter.rating_scale, name="scale"),
    # Plans and scored instruments.
    path("people/<int:pk>/plan/", plans.plan_page, name="plan"),
    path("plans/<int:pk>/goals/new/", plans.goal_add, name="goal_add"),
    path("goals/<int:pk>/edit/", plans.goal_edit, name="goal_edit"),
    path("plans/<int:pk>/close/", plans.plan_close, name="plan_close"),
    path("people/<int:pk>/instruments/<str:instrument>/new/", plans.instrument_add, name="instrument_add"),
]
