"""Categories: list, add, rename, reorder, retire and bring back."""

from flask import flash, redirect, render_template, request, url_for

from engage.admin.forms import (
    CATEGORY_CODE_HINT,
    CategoryForm,
    EditCategoryForm,
    has_errors,
)
from engage.admin.views import bp
from engage.concerns.categories import (
    add_category,
    check_category,
    list_categories,
    set_retired,
    usage_counts,
)
from engage.concerns.models import Category
from engage.extensions import db


@bp.route("/categories")
def categories():
    concerns, rules = usage_counts()
    return render_template("admin/categories.html", categories=list_categories(), concerns=concerns, rules=rules)


@bp.route("/categories/new", methods=["GET", "POST"])
def new_category():
    form = CategoryForm()
    if form.validate_on_submit():
        code = (form.code.data or "").strip()
        problems = check_category(
            code, form.label.data, form.sort_order.data if form.sort_order.data is not None else 0
        )
        for name, message in problems.items():
            getattr(form, name).errors.append(message)
        if not problems:
            category = add_category(code, form.label.data, form.sort_order.data, form.target_days.data)
            db.session.commit()
            flash(f"Added the category {category.code} ({category.label}).", "info")
            return redirect(url_for("admin.categories"))
    return render_template(
        "admin/category_form.html", form=form, category=None, code_hint=CATEGORY_CODE_HINT
    ), 422 if has_errors(form) else 200


@bp.route("/categories/<int:category_id>", methods=["GET", "POST"])
def edit_category(category_id):
    category = db.get_or_404(Category, category_id, description="No such category.")
    form = EditCategoryForm(obj=None if request.method == "POST" else category)
    if form.validate_on_submit():
        problems = check_category(None, form.label.data, form.sort_order.data, category=category)
        for name, message in problems.items():
            getattr(form, name).errors.append(message)
        if not problems:
            category.label = form.label.data.strip()
            category.sort_order = form.sort_order.data
            # New concerns only: those raised already keep the due date they were given.
            category.target_days = form.target_days.data
            db.session.commit()
            flash(f"Saved the category {category.code}.", "info")
            return redirect(url_for("admin.categories"))
    return render_template("admin/category_form.html", form=form, category=category), 422 if has_errors(form) else 200


@bp.route("/categories/<int:category_id>/retired", methods=["POST"])
def category_retired(category_id):
    category = db.get_or_404(Category, category_id, description="No such category.")
    retired = request.form.get("retired") == "1"
    if set_retired(category, retired):
        db.session.commit()
        flash(
            f"Retired {category.label}: hidden from the capture app and new concerns, kept on old ones."
            if retired
            else f"{category.label} is offered again.",
            "info",
        )
    return redirect(url_for("admin.categories"))
