"""Images in article bodies: the editor's picker and upload, and the check that each has alt text.

The picker speaks the file-browser protocol django-prose-editor's image dialog uses (CKEditor
4's): the dialog opens it with `?CKEditorFuncNum=N`, and choosing an image calls
`window.opener.CKEDITOR.tools.callFunction(N, url, {id, alternative_text})` (in
`static/js/admin-body-images.js`). Uploads pass the header image's Pillow checks and are
re-encoded; their renditions are made at once, so readers are never sent the upload itself.
"""

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import redirect
from django.template.response import TemplateResponse

from articles.editorial.forms import HeaderImageField
from articles.images import renditions
from articles.models import BodyImage

PICKER_PAGE_SIZE = 40


class BodyImageForm(forms.ModelForm):
    class Meta:
        model = BodyImage
        fields = ["image", "alt"]
        field_classes = {"image": HeaderImageField}
        labels = {"image": "Image", "alt": "Alt text"}


def upload(form, user):
    """Save the uploaded image and make its renditions now."""
    image = form.save(commit=False)
    image.uploaded_by = user
    image.save()
    image.renditions = renditions.generate(image.image.name).to_manifest()
    image.save(update_fields=["renditions"])
    return image


def picker_view(model_admin, request):
    """List the uploaded body images to pick from, newest first, with a form to upload one."""
    if not (model_admin.has_add_permission(request) or model_admin.has_change_permission(request)):
        raise PermissionDenied
    func = request.GET.get("CKEditorFuncNum", "")
    func = func if func.lstrip("-").isdigit() else ""
    form = BodyImageForm()
    if request.method == "POST":
        form = BodyImageForm(request.POST, request.FILES)
        if form.is_valid():
            image = upload(form, request.user)
            messages.success(request, f"Uploaded “{image.alt}”: choose it below.")
            return redirect(f"{request.path}?CKEditorFuncNum={func}&uploaded={image.pk}")
    page = Paginator(BodyImage.objects.all(), PICKER_PAGE_SIZE).get_page(request.GET.get("p"))
    for image in page.object_list:
        made = renditions.Renditions.from_manifest(image.renditions)
        image.thumbnail_url = made.thumbnail.url if made else image.image.url
    uploaded = request.GET.get("uploaded", "")
    return TemplateResponse(
        request,
        "admin/articles/bodyimage_picker.html",
        {
            **model_admin.admin_site.each_context(request),
            "title": "Images for the body",
            "is_popup": True,
            "form": form,
            "page": page,
            "func": func,
            "uploaded": int(uploaded) if uploaded.isdigit() else None,
        },
    )
