from importlib import import_module

from django.apps import AppConfig


class ArticlesConfig(AppConfig):
    name = "articles"
    verbose_name = "Newsroom"

    def import_models(self):
        super().import_models()
        # Models kept beside models.py, registered with the app's own (see that module).
        import_module("articles.extra_models")

    def ready(self):
        # System checks and every receiver register themselves on import.
        from articles import checks, signals  # noqa: F401
