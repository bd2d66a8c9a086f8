import pytest
from django.core.exceptions import ValidationError
from django.test import TestCase

from articles.images import crops
from articles.models import Article
from tests.factories import make_article
from tests.image_files import halves
from tests.images.test_renditions import with_image


def refusal(crop, size=(1600, 900)):
    with pytest.raises(ValidationError) as caught:
        crops.check(crop, size)
    return " ".join(caught.value.messages)


def region(left, top, right, bottom):
    return {"left": left, "top": top, "right": right, "bottom": bottom}


class CropTests(TestCase):
    def test_the_whole_image_is_no_crop(self):
        assert crops.normalized(region(0, 0, 1, 1)) is None
        assert crops.normalized(None) is None
        assert crops.normalized(region("0.5", 0, 1, 1)) == region(0.5, 0.0, 1.0, 1.0)
        assert crops.normalized(region(1 / 3, 0, 1, 1))["left"] == 0.3333

    def test_a_crop_needs_four_numeric_edges(self):
        with pytest.raises(ValidationError, match="left, top, right and bottom"):
            crops.normalized({"left": 0.5})
        with pytest.raises(ValidationError, match="left, top, right and bottom"):
            crops.normalized(region("wide", 0, 1, 1))

    def test_edges_out_of_order_are_refused(self):
        assert "left edge must be left of its right" in refusal(region(0.8, 0, 0.2, 1))
        assert "top above its bottom" in refusal(region(0, 0.5, 1, 0.5))

    def test_edges_outside_the_image_are_refused(self):
        assert "from 0 to 1" in refusal(region(-0.1, 0, 1, 1))
        assert "from 0 to 1" in refusal(region(0, 0, 1, 1.2))

    def test_a_sliver_is_refused_for_the_card_s_sake(self):
        message = refusal(region(0.5, 0.5, 0.8, 1), (1600, 900))
        assert "The crop is 480×450 pixels: keep at least 600×315" in message
        crops.check(region(0.5, 0.5, 0.875, 0.85), (1600, 900))  # 600×315: just enough

    def test_an_image_smaller_than_the_minimum_keeps_that_side_whole(self):
        crops.check(region(0.25, 0, 1, 1), (1000, 300))  # 750×300: all of its height
        assert "keep at least 600×300" in refusal(region(0, 0, 1, 0.9), (1000, 300))

    def test_box_is_the_crop_in_pixels(self):
        assert crops.box(region(0.5, 0.25, 1, 0.75), (1600, 900)) == (800, 225, 1600, 675)
        assert crops.box(None, (1600, 900)) == (0, 0, 1600, 900)

    def test_describes_a_crop_for_the_history(self):
        assert crops.describe(None) == "whole image"
        assert crops.describe(region(0.5, 0, 1, 1)) == "left 0.5, top 0, right 1, bottom 1"


class ArticleCropValidationTests(TestCase):
    def test_the_model_refuses_a_crop_that_does_not_fit_its_image(self):
        article = with_image(make_article(image_alt="Red and blue."), halves((1600, 900)))
        article.image_crop = region(0.9, 0, 1, 1)
        with pytest.raises(ValidationError) as caught:
            article.full_clean()
        assert "keep at least 600×315" in caught.value.message_dict["image_crop"][0]

    def test_the_model_refuses_a_crop_without_an_image(self):
        article = Article(image_crop=region(0.5, 0, 1, 1))
        with pytest.raises(ValidationError) as caught:
            article.clean()
        assert caught.value.message_dict == {
            "image_crop": ["Upload a header image before cropping it."]
        }

    def test_the_model_keeps_a_whole_image_crop_as_none(self):
        article = with_image(make_article(image_alt="Red and blue."), halves((1600, 900)))
        article.image_crop = region(0, 0, 1, 1)
        article.clean()
        assert article.image_crop is None
