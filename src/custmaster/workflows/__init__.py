"""Workflows: what an insurer does with files and people, built on the lower layers.

A workflow reads real files (`custmaster.workflows.reading`), maps their headers to the
canonical field names (`custmaster.workflows.headers`), parses dates as they come
(`custmaster.workflows.dates`) and validates every field (`custmaster.workflows.validation`).
The ``custmaster`` command is a thin skin over these functions.
"""

from __future__ import annotations

__all__: list[str] = []
