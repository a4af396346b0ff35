"""Reading a warning rule file (grading.yaml, dispatch.yaml) into its pydantic model,
with every problem named in Chinese and English."""

from __future__ import annotations

from typing import TypeVar

import yaml
from pydantic import BaseModel, ValidationError

from fanzha.core.errors import Invalid

M = TypeVar("M", bound=BaseModel)


def parse(text: str, model: type[M], *, origin: str, what_zh: str) -> M:
    try:
        return model.model_validate(yaml.safe_load(text))
    except yaml.YAMLError as exc:
        raise Invalid(f"{what_zh} {origin} 不是有效的 YAML：{exc}", f"{origin}: invalid YAML: {exc}") from None
    except ValidationError as exc:
        problems = [f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors()]
        raise Invalid(f"{what_zh} {origin} 有误：{'；'.join(problems)}", f"{origin} invalid: {'; '.join(problems)}",
                      fields={"problems": problems}) from None
