from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from fanzha.areas.models import AreaLevel


class AreaIn(BaseModel):
    code: str = Field(min_length=1, max_length=32, pattern=r"^[A-Za-z0-9_\-]+$")
    name: str = Field(min_length=1, max_length=64)
    level: AreaLevel
    parent_code: str | None = None
    population: int = Field(default=0, ge=0)


class AreaOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    code: str
    name: str
    level: AreaLevel
    parent_code: str | None
    path: str
    population: int


class ImportReport(BaseModel):
    created: int
    updated: int
