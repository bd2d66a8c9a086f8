import datetime as dt

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import connections, models, router
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from taggit.managers import TaggableManager
from taggit.models import TaggedItemBase

from articles.images import crops, renditions

# Every model's address is articles.models: the records live apart only to keep files small.
from articles.records import ImportRun, Revision, SanitizedMarkup  # noqa: F401
from articles.versions import Versioned

http_url = URLValidator(schemes=["http", "https"])


class Status(models.TextChoices):
    DRAFT = "draft", "Draft"
    PUBLISHED = "published", "Published"


class CanonicalPolicy(models.TextChoices):
    OURS = "ours", "Our article page"
    ORIGINAL = "original", "The original release"


class Source(models.Model):
    """A partner wire whose releases the newsroom republishes."""

    name = models.CharField(max_length=200, unique=True)
    slug = models.SlugField(max_length=200, unique=True)
    description = models.TextField(blank=True)
    url = models.URLField("website", max_length=1000, blank=True, validators=[http_url])

    feed_url = models.URLField(max_length=1000, blank=True, validators=[http_url])
    is_active = models.BooleanField("active", default=True)
    poll_interval = models.DurationField(default=dt.timedelta(minutes=30))
    default_status = models.CharField(
        max_length=10,
        choices=Status.choices,
        default=Status.DRAFT,
        help_text="Status given to new items from this source's feed.",
    )
    canonical_policy = models.CharField(
        max_length=10,
        choices=CanonicalPolicy.choices,
        default=CanonicalPolicy.OURS,
        help_text="Where the articles' canonical link points.",
    )
    include_in_sitemaps = models.BooleanField(default=True)
    feed_etag = models.CharField(max_length=500, blank=True, editable=False)
    feed_last_modified = models.CharField(max_length=100, blank=True, editable=False)
    last_polled_at = models.DateTimeField(null=True, blank=True, editable=False)
    last_poll_error = models.TextField(blank=True, editable=False)

    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("articles:source", kwargs={"slug": self.slug})

    @classmethod
    def unique_slug(cls, name):
        """Return a slug for `name` that no other source uses yet."""
        base = (slugify(name) or slugify(name, allow_unicode=True) or "source")[:190]
        slug, n = base, 1
        while cls.objects.filter(slug=slug).exists():
            n += 1
            slug = f"{base}-{n}"
        return slug


class TaggedArticle(TaggedItemBase):
    content_object = models.ForeignKey("Article", on_delete=models.CASCADE)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["content_object", "tag"], name="unique_article_tag"),
        ]

    @classmethod
    def tagged_among(cls, article_pks, tag_ids):
        """The pk of each of `article_pks` once for each of `tag_ids` it has (a list).

        Plain SQL over the (article, tag) unique index: the ORM takes 1 ms (5 ms on PostgreSQL)
        to build an IN of the 500 ids related articles are chosen among (articles.public.related);
        this takes 0.2 ms on SQLite. PostgreSQL gets the ids as two arrays (0.7 ms): an IN of 500
        placeholders costs psycopg 1.7 ms to parse and the server 1 ms to plan.
        """
        article_pks, tag_ids = [int(pk) for pk in article_pks], [int(pk) for pk in tag_ids]
        if not article_pks or not tag_ids:
            return []
        connection = connections[router.db_for_read(cls)]
        quote = connection.ops.quote_name
        table, article, tag = quote(cls._meta.db_table), quote("content_object_id"), quote("tag_id")
        if connection.vendor == "postgresql":
            where, params = f"{tag} = ANY(%s) AND {article} = ANY(%s)", [tag_ids, article_pks]
        else:
            where = (
                f"{tag} IN ({', '.join(['%s'] * len(tag_ids))})"
                f" AND {article} IN ({', '.join(['%s'] * len(article_pks))})"
            )
            params = [*tag_ids, *article_pks]
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT {article} FROM {table} WHERE {where}", params)
            return [pk for (pk,) in cursor.fetchall()]


# A header image, uploaded or imported, that nobody has described yet (blank alt text is none).
MISSING_ALT_TEXT = (Q(image__gt="") | Q(enclosure__gt="")) & Q(image_alt__regex=r"^\s*$")


# Every field of an article that templates/articles/_card.html shows, its renditions included.
CARD_FIELDS = (
    "article_id",
    "title",
    "slug",
    "date",
    "summary",
    "source",
    "image",
    "image_renditions",
)


class ArticleQuerySet(models.QuerySet):
    def published(self):
        """Articles a reader may see: published, and their time has come."""
        return self.filter(status=Status.PUBLISHED, date__lte=timezone.now())

    def for_listing(self):
        """What cards and lists show (no bodies, no tags), in one query."""
        return self.select_related("source").defer("body")

    def for_cards(self):
        """What a list's cards show (templates/articles/_card.html) but their sources: one query.

        A list page reads many rows: every column not read is one less for the database to
        send and for the ORM to convert (a datetime each costs as much as a short string). The
        cards are kept (articles.public.cards), which read the sources of those made anew.
        """
        return self.only(*CARD_FIELDS)

    def scheduled(self):
        """Articles published for a time that has not come yet: the site shows them then."""
        return self.filter(status=Status.PUBLISHED, date__gt=timezone.now())

    def missing_alt_text(self):
        """Articles with a header image (uploaded or imported) but no alt text."""
        return self.filter(MISSING_ALT_TEXT)

    def in_month(self, month):
        """Articles dated in the UTC month starting on the date `month`."""
        start = dt.datetime(month.year, month.month, 1, tzinfo=dt.UTC)
        try:
            end = (start + dt.timedelta(days=32)).replace(day=1)
        except OverflowError:  # December 9999, the last month a date can name
            return self.filter(date__gte=start)
        return self.filter(date__gte=start, date__lt=end)


class Article(Versioned):
    article_id = models.PositiveBigIntegerField(
        "article ID", unique=True, help_text="The public number in the URL; stable forever."
    )
    title = models.CharField(max_length=500)
    # Never looked up (the id is the key), so no index: one B-tree less for every import to write.
    slug = models.SlugField(
        max_length=255,
        allow_unicode=True,
        db_index=False,
        help_text="Decoration in the URL: old links keep working when it changes.",
    )
    date = models.DateTimeField(help_text="Publication time; a future time schedules it.")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PUBLISHED)
    featured = models.BooleanField(default=False, help_text="Put on top of the home page.")
    summary = models.TextField(blank=True, help_text="The lede on cards and lists.")
    description = models.TextField(
        "meta description", blank=True, help_text="For search engines and social cards."
    )
    body = models.TextField(blank=True)

    # article_source_idx starts with source, so it serves the foreign key's lookups too.
    source = models.ForeignKey(
        Source,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="articles",
        db_index=False,
    )
    source_link = models.URLField(max_length=1000, blank=True, validators=[http_url])
    feed_item_id = models.CharField("feed item ID", max_length=500, blank=True)
    qrcode = models.URLField("imported QR code", max_length=1000, blank=True, validators=[http_url])

    enclosure = models.URLField(
        "header image URL",
        max_length=1000,
        blank=True,
        validators=[http_url],
        help_text="The imported header image.",
    )
    image = models.ImageField(
        "header image", upload_to="images/%Y/%m/", blank=True, help_text="Replaces the URL above."
    )
    image_crop = models.JSONField(
        "crop",
        null=True,
        blank=True,
        default=None,
        help_text="The part of the header image to show, as fractions of its size; empty: all.",
    )
    image_alt = models.CharField("alt text", max_length=300, blank=True)
    image_caption = models.CharField("caption / credit", max_length=300, blank=True)
    enclosure_error = models.TextField(blank=True, editable=False)
    image_renditions = models.JSONField(
        default=dict, blank=True, editable=False, help_text="Kept by articles.images.renditions."
    )

    # Provenance: where the article came from and what the last import wrote.
    origin = models.CharField(max_length=1000, blank=True, editable=False)
    content_hash = models.CharField(max_length=64, blank=True, editable=False)
    import_fingerprint = models.CharField(max_length=64, blank=True, editable=False)
    imported_at = models.DateTimeField(null=True, blank=True, editable=False)

    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    tags = TaggableManager(through=TaggedArticle, blank=True)

    objects = ArticleQuerySet.as_manager()

    class Meta:
        ordering = ["-date", "-article_id"]
        get_latest_by = "date"
        indexes = [
            # The source rides along for related articles, chosen among the newest from the
            # index alone (articles.public.related).
            models.Index(
                fields=["status", "-date", "-article_id", "source"], name="article_public_idx"
            ),
            models.Index(fields=["source", "status", "-date"], name="article_source_idx"),
            # The admin's list: newest first over the whole archive, whatever the status.
            models.Index(fields=["-date", "-article_id"], name="article_date_idx"),
            models.Index(
                fields=["status", "-date"], condition=Q(featured=True), name="article_featured_idx"
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["source", "feed_item_id"],
                condition=~Q(feed_item_id=""),
                name="unique_source_feed_item",
            ),
        ]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        if self.article_id_changed() and "article_id" in (
            kwargs.get("update_fields") or ["article_id"]
        ):
            raise ValidationError({"article_id": "The article ID is the article's key for ever."})
        super().save(*args, **kwargs)
        self._stored_article_id = self.article_id

    def get_absolute_url(self):
        return reverse(
            "articles:detail",
            kwargs={"month": self.date, "article_id": self.article_id, "slug": self.slug},
        )

    @classmethod
    def from_db(cls, db, field_names, values):
        article = super().from_db(db, field_names, values)
        article._stored_article_id = article.__dict__.get("article_id")  # None if deferred
        return article

    def article_id_changed(self):
        """Whether `article_id` differs from the stored row's: it is the key for ever."""
        return getattr(self, "_stored_article_id", None) not in (None, self.article_id)

    @property
    def is_public(self):
        return self.status == Status.PUBLISHED and self.date <= timezone.now()

    @property
    def is_scheduled(self):
        return self.status == Status.PUBLISHED and self.date > timezone.now()

    @property
    def lacks_alt_text(self):
        """This article's side of MISSING_ALT_TEXT: a header image, no alt text but blanks."""
        return bool(self.image or self.enclosure) and not self.image_alt.strip()

    def clean(self):
        errors = {}
        if self.article_id_changed():
            errors["article_id"] = f"The article ID is the key for ever: {self._stored_article_id}."
        if self.status == Status.PUBLISHED and self.lacks_alt_text:
            errors["image_alt"] = (
                "Describe the header image before publishing: alt text is required."
            )
        try:
            self.clean_image_crop()
        except ValidationError as exc:
            errors.update(exc.error_dict)
        if errors:
            raise ValidationError(errors)

    def clean_image_crop(self):
        """Keep the crop in its stored shape; refuse one that does not fit the uploaded image."""
        try:
            self.image_crop = crops.normalized(self.image_crop)
            if self.image_crop is None:
                return
            if not self.image:
                raise ValidationError("Upload a header image before cropping it.", code="crop")
            crops.check(self.image_crop, self.image_size())
        except ValidationError as exc:
            raise ValidationError({"image_crop": exc}) from None

    def image_size(self):
        """The uploaded image's `(width, height)`, or None when its file cannot be read."""
        made = self.renditions
        if made and made.original:  # known without reading the file, maybe from a remote store
            return made.original
        try:
            width, height = self.image.width, self.image.height
        except (OSError, ValueError):
            return None
        return (width, height) if width and height else None

    @property
    def renditions(self):
        """The uploaded header image's renditions (see articles.images.renditions), or None."""
        return renditions.for_article(self)

    @property
    def image_url(self):
        """The header image to show: the uploaded file, else the imported URL."""
        if self.image:
            return self.image.url
        return self.enclosure

    def get_full_url(self):
        return settings.SITE_URL + self.get_absolute_url()


class BodyImage(models.Model):
    """An image uploaded for article bodies: pages show its renditions, never the upload."""

    image = models.ImageField(upload_to="body/%Y/%m/", width_field="width", height_field="height")
    width, height = models.PositiveIntegerField(default=0), models.PositiveIntegerField(default=0)
    alt = models.CharField("alt text", max_length=300, help_text="What the image shows.")
    renditions = models.JSONField(default=dict, blank=True, editable=False)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return self.alt
