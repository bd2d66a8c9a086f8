# The browser fixtures of tests/test_browser.py, for the editors' room's browser tests here.
from tests.test_browser import browser, editor  # noqa: F401
