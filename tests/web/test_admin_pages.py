"""Admin pages: users, jurisdiction upload, audit trail — bad input is shown inline, in Chinese,
with what the admin typed kept in the form."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from tests.web.conftest import Browser

GOOD_USER = {"username": "zhang.san", "display_name": "张三", "role": "station_officer", "area_code": "T1",
             "password": "Str0ngPass!"}


def test_admin_creates_a_user_and_sees_it_listed(as_user: Callable[[str], Browser]) -> None:
    admin = as_user("admin")
    r = admin.post("/admin/users", GOOD_USER)
    assert r.status_code == 303  # type: ignore[attr-defined]
    page = admin.get(r.headers["location"]).text  # type: ignore[attr-defined]
    assert "已创建用户 zhang.san" in page and "张三" in page
    assert "<td>城关镇</td>" in page  # the user's jurisdiction by name, not its code


@pytest.mark.parametrize(("change", "field_message"), [
    ({"username": "张 三"}, "用户名为 2–64 位字母、数字或 _ . -"),
    ({"display_name": ""}, "请填写姓名"),
    ({"role": ""}, "请选择有效的角色"),
    ({"password": "short"}, "初始密码至少 8 个字符"),
    ({"area_code": "NOPE"}, "辖区不存在：NOPE"),
    ({"role": "grid_worker", "area_code": "T1"}, "网格员应挂在村社或网格，不能挂在镇街"),
    ({"username": "analyst"}, "用户名 analyst 已存在"),
])
def test_bad_user_form_shows_inline_chinese_message_and_keeps_typed_values(
        as_user: Callable[[str], Browser], change: dict[str, str], field_message: str) -> None:
    admin = as_user("admin")
    form = {**GOOD_USER, **change}
    r = admin.post("/admin/users", form)
    html = r.text  # type: ignore[attr-defined]
    assert r.status_code in (409, 404, 422)  # type: ignore[attr-defined]
    assert f'<span class="field-error">{field_message}</span>' in html
    assert f'value="{form["display_name"]}"' in html
    assert "Str0ngPass!" not in html  # a password is never echoed back


def test_admin_disables_and_enables_a_user(as_user: Callable[[str], Browser], world) -> None:  # type: ignore[no-untyped-def]
    admin = as_user("admin")
    officer_id = world.users["officer"].id
    assert admin.post(f"/admin/users/{officer_id}/disable").status_code == 303  # type: ignore[attr-defined]
    assert "已停用" in admin.get("/admin/users").text  # type: ignore[attr-defined]
    from tests.factories import PASSWORD
    r = admin.client.post("/login", data={"username": "officer", "password": PASSWORD})
    assert "账户已停用" in r.text
    admin.post(f"/admin/users/{officer_id}/enable")
    assert "已停用" not in admin.get("/admin/users").text  # type: ignore[attr-defined]


def test_only_admins_see_user_management(as_user: Callable[[str], Browser]) -> None:
    r = as_user("analyst").get("/admin/users")
    assert r.status_code == 403 and "无权执行此操作" in r.text  # type: ignore[attr-defined]


def test_area_upload_lists_every_rejected_row_and_writes_nothing(as_user: Callable[[str], Browser]) -> None:
    admin = as_user("admin")
    csv = ("code,name,level,parent_code,population\n"
           "T9,新镇,town,C,3000\n"
           "V91,新村,village,NOPE,100\n"
           "G91,坏网格,grid,T1,10\n")
    r = admin.post("/admin/areas/import", files={"file": ("areas.csv", csv.encode(), "text/csv")})
    html = r.text  # type: ignore[attr-defined]
    assert r.status_code == 422  # type: ignore[attr-defined]
    assert "导入被拒绝：2 行有错误，未写入任何数据" in html
    assert "上级辖区 NOPE 不存在" in html and "网格不能挂在镇街之下" in html
    assert "新镇" not in admin.get("/admin/areas").text  # type: ignore[attr-defined]


def test_area_upload_of_a_good_yaml_file_adds_the_towns(as_user: Callable[[str], Browser]) -> None:
    admin = as_user("admin")
    yaml = "- {code: T9, name: 新镇, level: town, parent_code: C, population: 3000}\n"
    r = admin.post("/admin/areas/import", files={"file": ("towns.yaml", yaml.encode(), "application/yaml")})
    assert r.status_code == 200 and "导入成功：新增 1 个" in r.text  # type: ignore[attr-defined]
    assert "新镇" in admin.get("/admin/areas").text  # type: ignore[attr-defined]


def test_area_upload_rejects_a_non_utf8_file_in_chinese(as_user: Callable[[str], Browser]) -> None:
    r = as_user("admin").post("/admin/areas/import",
                              files={"file": ("a.csv", "编码".encode("gbk"), "text/csv")})
    assert r.status_code == 422 and "文件不是 UTF-8 编码" in r.text  # type: ignore[attr-defined]


def test_audit_viewer_filters_by_actor_and_object(as_user: Callable[[str], Browser], world) -> None:  # type: ignore[no-untyped-def]
    admin = as_user("admin")
    admin.post("/admin/users", GOOD_USER)
    page = admin.get("/admin/audit", params={"who": "admin", "object_type": "user"}).text  # type: ignore[attr-defined]
    assert "user.create" in page and "zhang.san" in page
    page = admin.get("/admin/audit", params={"who": "nobody"}).text  # type: ignore[attr-defined]
    assert "没有符合条件的记录" in page
