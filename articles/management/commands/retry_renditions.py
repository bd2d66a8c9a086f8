from django.core.management.base import BaseCommand, CommandError

from articles.editorial.changelist import RENDITIONS_FAILED
from articles.images.renditions import failed
from articles.models import Article
from articles.signals import refresh_renditions


class Command(BaseCommand):
    help = (
        "Make again the header image renditions that could not be made (the admin's dashboard "
        "counts them); the site shows the full-size upload until they exist."
    )

    def handle(self, *args, verbosity, **options):
        articles = Article.objects.filter(RENDITIONS_FAILED).only(
            "pk", "article_id", "image", "image_crop", "image_renditions"
        )
        made = still_failing = 0
        for article in articles.iterator():
            refresh_renditions(article)
            if failed(article.image_renditions):
                still_failing += 1
                self.stderr.write(
                    self.style.ERROR(f"article {article.article_id}: {article.image.name} failed")
                )
            else:
                made += 1
                if verbosity >= 2:
                    self.stdout.write(f"made: article {article.article_id}")
        summary = f"{made} made, {still_failing} still failing."
        if still_failing:  # non-zero exit: cron mail or `systemctl status` shows it
            raise CommandError(summary)
        self.stdout.write(self.style.SUCCESS(summary))
