"""The tool's version as installed, recorded in every capture and evidence packet."""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version

try:
    CRAWLER_VERSION = version("jikimi")
except PackageNotFoundError:  # running from a source tree without installing
    CRAWLER_VERSION = "0.0.0+source"

TOOL_NAME = "jikimi"
