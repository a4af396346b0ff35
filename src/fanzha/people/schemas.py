from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field


class PersonCreate(BaseModel):
    name: str = Field(min_length=1, max_length=32)
    phone: str | None = Field(default=None, pattern=r"^(\+?86[- ]?)?1[3-9]\d{9}$")
    id_number: str | None = Field(default=None, pattern=r"^\d{17}[\dXx]$")
    address: str | None = Field(default=None, max_length=200)
    gender: str | None = Field(default=None, pattern=r"^(男|女)$")
    age: int | None = Field(default=None, ge=0, le=120)
    occupation: str | None = Field(default=None, max_length=32)
    tags: list[str] = Field(default_factory=list)
    area_code: str
    app_installed: bool = False
    app_registered: bool = False
    external_ref: str | None = Field(default=None, max_length=64)


class PersonOut(BaseModel):
    """Masked by default: the clear values are only returned by the audited unmask call."""

    model_config = ConfigDict(from_attributes=True)

    id: int
    name_masked: str
    phone_masked: str | None
    id_number_masked: str | None
    gender: str | None
    age: int | None
    age_band: str | None
    occupation: str | None
    tags: list[str]
    area_code: str
    app_installed: bool
    app_registered: bool


class UnmaskIn(BaseModel):
    purpose: str = Field(min_length=4, max_length=200, description="为何需要查看明文，如：电话劝阻")
    fields: list[str] = Field(default_factory=lambda: ["name", "phone"])


class UnmaskedOut(BaseModel):
    id: int
    values: dict[str, str | None]
