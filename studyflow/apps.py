from django.apps import AppConfig


class StudyflowConfig(AppConfig):
    name = "studyflow"
    verbose_name = "School roster"

    def ready(self) -> None:
        from django.contrib import admin

        # The admin's "View site": staff's home page is the admin itself, so it leads to the
        # reports instead.
        admin.site.site_url = "/teacher/"
        # Its own name in the header and the browser's tabs, not Django's.
        admin.site.site_header = "Studyflow administration"
        admin.site.site_title = "Studyflow admin"
        admin.site.index_title = "Content, classes and operations"
        # Its log-in page counts failed log-ins as the others do.
        from studyflow.login_guard import LimitedAdminAuthenticationForm

        admin.site.login_form = LimitedAdminAuthenticationForm

        from django.contrib.auth import get_user_model
        from django.db.models.signals import pre_save

        from studyflow.tokens import revoke_when_password_changes

        pre_save.connect(
            revoke_when_password_changes,
            sender=get_user_model(),
            dispatch_uid="studyflow.tokens.revoke_when_password_changes",
        )
