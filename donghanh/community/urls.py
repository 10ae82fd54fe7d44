from django.urls import path

from donghanh.community.views import activities, models, sessions

app_name = "community"
urlpatterns = [
    # (model routes)
    path("", models.model_list, name="models"),
    path("new/", models.model_create, name="model_create"),
    path("<int:pk>/", models.model_detail, name="model"),
    path("<int:pk>/export.xlsx", models.model_xlsx, name="model_xlsx"),
    path("<int:pk>/edit/", models.model_edit, name="model_edit"),
    path("<int:pk>/status/", models.model_status, name="model_status"),
    path("<int:pk>/board/new/", models.board_add, name="board_add"),
    path("board/<int:pk>/edit/", models.board_edit, name="board_edit"),
    path("<int:pk>/members/new/", models.member_add, name="member_add"),
    path("members/<int:pk>/leave/", models.member_leave, name="member_leave"),
    # (session, activity and roadmap routes)
    path("<int:pk>/today/", sessions.session_today, name="session_today"),
    path("<int:pk>/sessions/new/", sessions.session_create, name="session_create"),
    path("sessions/<int:pk>/", sessions.session_detail, name="session"),
    path("sessions/<int:pk>/edit/", sessions.session_edit, name="session_edit"),
    path("activities/", activities.activity_list, name="activities"),
    path("activities/new/", activities.activity_create, name="activity_create"),
    path("roadmap/", activities.roadmap, name="roadmap"),
]
