from django.urls import URLPattern, URLResolver, path

from reporting import views

app_name = "reporting"
urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.classes, name="classes"),
    path("classes/<int:classroom_id>/", views.class_grid, name="grid"),
    path("classes/<int:classroom_id>/grid/", views.grid_partial, name="grid-partial"),
    path("classes/<int:classroom_id>/feed/", views.feed_partial, name="feed"),
    path("classes/<int:classroom_id>/export.csv", views.export_csv, name="export-csv"),
    path("classes/<int:classroom_id>/export.xlsx", views.export_xlsx, name="export-xlsx"),
    path("students/<int:student_id>/", views.student, name="student"),
    path("students/<int:student_id>/password/", views.new_password, name="new-password"),
    path(
        "students/<int:student_id>/password/made/",
        views.new_password_made,
        name="new-password-made",
    ),
    path("chapters/<int:chapter_id>/questions/", views.chapter_questions, name="questions"),
]
