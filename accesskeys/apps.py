from django.apps import AppConfig


class AccessKeysConfig(AppConfig):
    name = "accesskeys"
    verbose_name = "Access keys"

    def ready(self):
        # The event log's sentences for accesses, and the check that MASTER_KEYS
        # decrypts every stored secret (a database check).
        from accesskeys import access_event_text, checks  # noqa: F401
