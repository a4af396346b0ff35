from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field

from fanzha.core.rbac import Role


class UserCreate(BaseModel):
    username: str = Field(min_length=2, max_length=64, pattern=r"^[A-Za-z0-9_.\-]+$")
    display_name: str = Field(min_length=1, max_length=64)
    role: Role
    area_code: str = Field(min_length=1, max_length=32)
    password: str = Field(min_length=8, max_length=128)
    on_duty: bool = False


class UserOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    username: str
    display_name: str
    role: Role
    area_code: str
    is_active: bool
    on_duty: bool
    locked_until: datetime | None
    last_login_at: datetime | None


class LoginIn(BaseModel):
    username: str = Field(min_length=1, max_length=64)
    password: str = Field(min_length=1, max_length=128)


class TokenOut(BaseModel):
    access_token: str
    token_type: str = "bearer"
    expires_at: datetime
    user: UserOut
