"""``python -m custmaster``: the same as the ``custmaster`` command."""

from __future__ import annotations

from custmaster.cli import main

__all__: list[str] = []

if __name__ == "__main__":
    main()
