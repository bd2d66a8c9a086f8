from django.apps import AppConfig


class ArticlesConfig(AppConfig):
    name = "articles"
    verbose_name = "Newsroom"

    def ready(self):
        # System checks and every receiver register themselves on import.
        from articles import checks, signals  # noqa: F401
