from pathlib import Path

import pytest

DATA = Path(__file__).parent / "data"


@pytest.fixture
def seed_file():
    return DATA / "seed-article.txt"
