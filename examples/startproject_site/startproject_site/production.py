# The only edit to the generated project: production settings are the generated ones with DEBUG off.
from .settings import *  # noqa: F403  # pylint: disable=wildcard-import,unused-wildcard-import

DEBUG = False
