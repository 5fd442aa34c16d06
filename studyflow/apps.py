from django.apps import AppConfig


class StudyflowConfig(AppConfig):
    name = "studyflow"
    verbose_name = "School roster"
