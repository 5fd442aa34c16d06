from django.apps import AppConfig


class EventsConfig(AppConfig):
    name = "events"
    verbose_name = "Event store"

    def ready(self) -> None:
        # Projections and the nudge on commit: every process (web, worker, beat, commands) knows
        # the same registry.
        from events import projections, tasks
        from events.admin_checkpoints import register_admin

        projections.autodiscover()
        tasks.connect_signals()
        register_admin()
