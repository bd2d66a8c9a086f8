from django.apps import AppConfig
from django.db.models.signals import post_delete, post_migrate, post_save


class ArticlesConfig(AppConfig):
    name = "articles"
    verbose_name = "Newsroom"

    def ready(self):
        from articles import checks, renditions, signals  # noqa: F401  (checks and receivers)
        from articles.search import install_search_index

        # Renditions follow the header image on every save and delete, whoever makes it.
        post_save.connect(renditions.on_article_saved, sender="articles.Article")
        post_delete.connect(renditions.on_article_deleted, sender="articles.Article")
        # The search index lives outside the migrations: see articles/search.py.
        post_migrate.connect(install_search_index, sender=self)
