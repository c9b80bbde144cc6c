from django.apps import AppConfig


class AccessKeysConfig(AppConfig):
    name = "accesskeys"
    verbose_name = "Access keys"

    def ready(self):
        # The event log's sentences for accesses.
        from accesskeys import access_event_text  # noqa: F401
