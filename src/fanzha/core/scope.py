"""The caller's jurisdiction subtree. Every list or load of domain rows filters by it;
a row outside the scope is "not found", never a leak."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import ColumnElement, ForeignKey, String, false, true
from sqlalchemy.orm import InstrumentedAttribute, Mapped, declared_attr, mapped_column


@dataclass(frozen=True, slots=True)
class Scope:
    """`path` is the materialized path of the caller's area; None means the whole system."""

    path: str | None
    nothing: bool = False

    @classmethod
    def everything(cls) -> Scope:
        return cls(path=None)

    @classmethod
    def none(cls) -> Scope:
        return cls(path="", nothing=True)

    def clause(self, column: InstrumentedAttribute[str] | InstrumentedAttribute[str | None]) -> ColumnElement[bool]:
        if self.nothing:
            return false()
        if self.path is None:
            return true()
        return column.startswith(self.path, autoescape=True)

    def contains(self, path: str | None) -> bool:
        if self.nothing:
            return False
        if self.path is None:
            return True
        return path is not None and path.startswith(self.path)


class AreaScoped:
    """Mixin for domain rows that belong to a node of the jurisdiction tree.

    `area_path` is copied from the area at write time so scope filters stay one
    indexed prefix match, without a join.
    """

    @declared_attr
    def area_code(cls) -> Mapped[str]:
        return mapped_column(String(32), ForeignKey("area.code"), index=True)

    @declared_attr
    def area_path(cls) -> Mapped[str]:
        return mapped_column(String(512), index=True)
