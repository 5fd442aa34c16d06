from django.apps import AppConfig


class StudyflowConfig(AppConfig):
    name = "studyflow"
    verbose_name = "School roster"

    def ready(self) -> None:
        from django.contrib import admin

        # The admin's "View site": staff's home page is the admin itself, so it leads to the
        # reports instead.
        admin.site.site_url = "/teacher/"
        # Its log-in page counts failed log-ins as the others do.
        from studyflow.login_guard import LimitedAdminAuthenticationForm

        admin.site.login_form = LimitedAdminAuthenticationForm
