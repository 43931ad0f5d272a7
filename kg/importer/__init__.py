"""Turn a syllabus page into a draft course file (the library behind ``kg import``)."""

from kg.importer.draft import *  # noqa: F401,F403
from kg.importer.draft import __all__  # noqa: F401
