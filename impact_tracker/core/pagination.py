"""One paginator for every list, HTML and API alike."""

from __future__ import annotations

from dataclasses import dataclass
from math import ceil
from typing import Any

from sqlalchemy import Select, func, select

from ..extensions import db
from .errors import DomainError

DEFAULT_PER_PAGE = 50


@dataclass(frozen=True)
class Page:
    """One page of results and where it sits in the whole."""

    items: list[Any]
    page: int
    per_page: int
    total: int

    @property
    def pages(self) -> int:
        return max(1, ceil(self.total / self.per_page))

    @property
    def has_prev(self) -> bool:
        return self.page > 1

    @property
    def has_next(self) -> bool:
        return self.page < self.pages


def parse_page_args(args, *, max_per_page: int) -> tuple[int, int]:
    """Read ?page= and ?per_page=; raises DomainError naming the bad parameter."""
    page = _positive_int(args.get("page", "1"), "page")
    per_page = _positive_int(args.get("per_page", str(DEFAULT_PER_PAGE)), "per_page")
    if per_page > max_per_page:
        raise DomainError(f"per_page must be {max_per_page} or fewer", field="per_page")
    return page, per_page


def _positive_int(raw: str, name: str) -> int:
    if not raw.isdecimal() or int(raw) < 1:
        raise DomainError(f"{name} must be a whole number of 1 or more", field=name)
    return int(raw)


def paginate(query: Select, page: int, per_page: int) -> Page:
    """Run `query` for one page, plus a count of the whole (two queries, whatever the page size)."""
    total = db.session.scalar(select(func.count()).select_from(query.order_by(None).subquery()))
    items = list(db.session.scalars(query.limit(per_page).offset((page - 1) * per_page)))
    return Page(items=items, page=page, per_page=per_page, total=total or 0)
