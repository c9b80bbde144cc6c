from django.apps import AppConfig


class AccessKeysConfig(AppConfig):
    name = "accesskeys"
    verbose_name = "Access keys"
