"""Admins set each category's target in days, the default due date of new concerns."""

import sqlalchemy as sa

from engage.concerns.models import Category


def test_admin_sets_and_clears_a_categorys_target(admin_client, db):
    speeding = db.session.scalar(sa.select(Category).where(Category.code == "speeding"))
    url = f"/admin/categories/{speeding.id}"
    form = {"label": speeding.label, "sort_order": speeding.sort_order}
    assert admin_client.post(url, data={**form, "target_days": "28"}).status_code == 302
    db.session.expire_all()
    assert db.session.get(Category, speeding.id).target_days == 28
    listing = admin_client.get("/admin/categories").get_data(as_text=True)
    assert "<td>28 days</td>" in listing
    assert 'value="28"' in admin_client.get(url).get_data(as_text=True)
    assert admin_client.post(url, data={**form, "target_days": ""}).status_code == 302
    db.session.expire_all()
    assert db.session.get(Category, speeding.id).target_days is None


def test_a_target_of_no_days_is_refused_by_the_field_and_kept(admin_client, db):
    for typed in ("0", "400"):
        answer = admin_client.post(
            "/admin/categories/new", data={"code": "litter", "label": "Litter", "target_days": typed}
        )
        page = answer.get_data(as_text=True)
        assert answer.status_code == 422 and "Give a number of days from 1 to 365." in page
        assert f'value="{typed}"' in page
    assert db.session.scalar(sa.select(Category).where(Category.code == "litter")) is None
    assert (
        admin_client.post(
            "/admin/categories/new", data={"code": "litter", "label": "Litter", "target_days": "14"}
        ).status_code
        == 302
    )
    assert db.session.scalar(sa.select(Category.target_days).where(Category.code == "litter")) == 14
