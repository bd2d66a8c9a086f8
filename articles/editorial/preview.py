"""Preview: the article as readers would see it, with the form's unsaved content.

The form's "Preview" button posts the whole form here (formaction, no script needed), and the
page renders the public article template with those values, under a banner saying it is a
preview; nothing is written. Staff only (it is an admin URL), never cached, `noindex`.
"""

from django.http import HttpResponseNotAllowed
from django.utils.text import slugify
from django.views.decorators.cache import never_cache
from taggit.models import Tag

from articles.public import article_page, related
from articles.public.views import RELATED_ARTICLES, ArticleDetailView


def previewed(form):
    """The form's article with the form's valid values; the database is left alone."""
    article = form.instance
    form.checks_version = False  # reading, not saving: no lock, no conflict
    if "image" in form.fields:
        form.fields["image"].disabled = True  # an upload is stored (or staged) only by a save
    form.is_valid()  # fills the instance with every valid field
    names = form.cleaned_data.get("tags")
    if names is None:
        tags = list(article.tags.all())
    else:
        known = {tag.name: tag for tag in Tag.objects.filter(name__in=names)}
        tags = [known.get(name) or Tag(name=name, slug=slugify(name)) for name in names]
    # The page reads the tags through the manager: give it the form's, not the stored ones.
    article._prefetched_objects_cache = {"tags": tags}
    return article


class ArticlePreview(ArticleDetailView):
    """The public article page from unsaved values: nothing kept is read, nothing made is kept.

    What the public page keeps (articles.serving.fragments) is the saved article's: a preview
    that read it would show the saved article, one that kept its own would show readers the
    unsaved one.
    """

    def article_parts(self, article, tags):
        tag_ids = [tag.pk for tag in tags() if tag.pk is not None]
        return article_page.render(article, tags()), related.choose(
            article, RELATED_ARTICLES, tag_ids
        )


@never_cache
def preview_view(request, article, model_admin):
    """POST: render the public article page from the posted form."""
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    form_class = model_admin.get_form(request, article, change=True)
    form = form_class(request.POST, instance=article)
    instance = previewed(form)
    view = ArticlePreview()
    view.setup(request)
    view.object = instance
    context = view.get_context_data(
        object=instance,
        preview_errors=[form.fields[name].label for name in form.errors if name in form.fields],
    )
    response = view.response_class(
        request=request,
        template="articles/article_preview.html",
        context=context,
        headers={"X-Robots-Tag": "noindex, nofollow"},
    )
    response.public_pages_unchanged = True  # nothing was written
    return response
