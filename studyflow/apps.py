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
        # REST framework's token app under a name staff read ("Auth Token" headed the index and
        # the sidebar); there staff find and delete (revoke) a student's API token. Not an
        # AppConfig subclass in INSTALLED_APPS: the token model is abstract unless the list names
        # "rest_framework.authtoken" itself.
        from django.apps import apps

        apps.get_app_config("authtoken").verbose_name = "API tokens"
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
