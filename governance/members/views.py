"""The member register's pages (libro soci): load, authorise, call one operation,
render or redirect. Rules live in operations; forms only carry the input."""
from __future__ import annotations

from flask import (Blueprint, Response, flash, redirect, render_template, request,
                   url_for)
from flask_babel import gettext as _
from flask_login import current_user

from ..core import audit, clock
from ..core.errors import DomainError
from ..authz import P
from ..core import csvio
from ..core.forms import csrf_failed, show_errors
from ..core.permissions import AUTHENTICATED, actor, can, permission
from . import exporting, history, importing, operations, queries
from .access import load_visible
from .forms import CorrectMemberForm, ImportForm, NewMemberForm
from .models import Category, MemberStatus

bp = Blueprint("members", __name__)

PER_PAGE = 50
MAX_PER_PAGE = 200
MAX_PAGE = 1_000_000  # far past any register; keeps OFFSET within the database's integers


def _positive_int(name: str, default: int, maximum: int | None = None) -> int:
    """A page number or size from the query string; nonsense falls back to the default."""
    try:
        value = int(request.args.get(name, default))
    except (TypeError, ValueError):
        return default
    if value < 1:
        return default
    return min(value, maximum) if maximum else value


def _labels() -> dict:
    return {"categories": Category, "statuses": MemberStatus}


@bp.get("/members")
@permission(P.REGISTER_READ)
def register():
    register_filter = queries.RegisterFilter.from_args(request.args, default_status=MemberStatus.ACTIVE)
    page = _positive_int("page", 1, MAX_PAGE)
    per_page = _positive_int("per_page", PER_PAGE, MAX_PER_PAGE)
    sort = request.args.get("sort") if request.args.get("sort") in queries.SORTS else "number"
    descending = request.args.get("dir") == "desc"
    members, total = queries.page_of(queries.register_query(register_filter, sort, descending), page, per_page)
    args = register_filter.as_args()
    sort_args = dict(args)  # the column links keep the filter, and the pager keeps the order
    if sort != "number" or descending:
        args.update(sort=sort, dir="desc" if descending else "asc")
    if per_page != PER_PAGE:
        args["per_page"] = per_page
    days = queries.seniority_days()
    return render_template(
        "members/register.html", members=members, total=total, page=page, per_page=per_page,
        register_filter=register_filter, pager_args=args, sort=sort, descending=descending,
        sort_args=sort_args,
        voting_right_from=lambda member: queries.voting_right_from(member, days),
        can_write=can(current_user, P.REGISTER_WRITE),
        can_import=can(current_user, P.REGISTER_IMPORT), **_labels())


@bp.get("/members/<int:number>")
@permission(AUTHENTICATED)
def detail(number: int):
    member = load_visible(number)
    days = queries.seniority_days()
    history = queries.history_of(member)
    return render_template(
        "members/detail.html", member=member, history=history,
        actor_names=audit.actor_names(h.actor_id for h in history),
        voting_right_from=queries.voting_right_from(member, days),
        may_vote_today=queries.may_vote_today(member, days), seniority_days=days,
        amount_due=queries.amount_due(member),
        can_write=can(current_user, P.REGISTER_WRITE), **_labels())


@bp.route("/members/new", methods=["GET", "POST"])
@permission(P.REGISTER_WRITE)
def new():
    form = NewMemberForm()
    if not form.is_submitted():
        form.admitted_on.data = clock.today().isoformat()
        return render_template("members/new.html", form=form)
    form.label_for_category()
    form.validate()  # the CSRF token only: the rules are the operation's
    if not csrf_failed(form):
        try:
            member = operations.add_member({**form.entry_data(), "number": form.number.data},
                                           actor(), note=form.note.data)
        except DomainError as error:
            show_errors(form, error)
        else:
            flash(_("Member %(name)s entered in the register with number %(n)d.",
                    name=member.full_name, n=member.number), "success")
            return redirect(url_for("members.detail", number=member.number))
    return render_template("members/new.html", form=form), 422


@bp.route("/members/<int:number>/edit", methods=["GET", "POST"])
@permission(P.REGISTER_WRITE)
def edit(number: int):
    member = load_visible(number)
    if not request.method == "POST":
        return render_template("members/edit.html", member=member,
                               form=CorrectMemberForm.for_member(member), **_labels())
    form = CorrectMemberForm()
    form.label_for_category()
    form.hide_person_fields = member.category == Category.LEGAL_PERSON
    form.validate()  # the CSRF token only: the rules are the operation's
    if not csrf_failed(form):
        try:
            changed = operations.correct_member(member, form.entry_data(), actor(),
                                                form.note.data)
        except DomainError as error:
            show_errors(form, error)
        else:
            if changed:
                flash(_("The entry was corrected: %(fields)s.", fields=", ".join(
                    history.field_label(name) for name in changed)), "success")
            else:
                flash(_("Nothing was changed."), "info")
            return redirect(url_for("members.detail", number=member.number))
    return render_template("members/edit.html", member=member, form=form, **_labels()), 422


@bp.route("/members/import", methods=["GET", "POST"])
@permission(P.REGISTER_IMPORT)
def import_csv():
    form = ImportForm()
    if not form.is_submitted():
        return render_template("members/import.html", form=form, **_import_page())
    rejected = None
    form.validate()  # the CSRF token only: the rules are the operation's
    if not csrf_failed(form):
        upload = form.file.data
        if upload is None or not getattr(upload, "filename", ""):
            form.file.errors = [_("Choose a CSV file.")]
        else:
            try:
                result = importing.import_register(upload.read(), actor())
            except importing.ImportRejected as error:
                rejected = error
            else:
                flash(_("%(count)d entries imported (numbers %(first)d to %(last)d).",
                        count=result.imported, first=result.first_number, last=result.last_number),
                      "success")
                return redirect(url_for("members.register"))
    return render_template("members/import.html", form=form, rejected=rejected, **_import_page()), 422


def _import_page() -> dict:
    return {"header": importing.ITALIAN_HEADER, "plain_header": importing.HEADER,
            "categories": importing.ITALIAN_CATEGORIES}


@bp.get("/members/import/template.csv")
@permission(P.REGISTER_IMPORT)
def import_template():
    """An empty register file to fill in Excel: the Italian header and one example row."""
    example = ["", "Giulia", "Bianchi", "BNCGLI85M41F205X", "01/08/1985", "giulia.bianchi@example.org",
               "+39 02 1234567", "Via Roma 1, 20077 Melegnano (MI)", importing.ITALIAN_CATEGORIES[Category.WORKER],
               clock.today().strftime("%d/%m/%Y"), "2"]
    return csvio.response(csvio.lines(importing.ITALIAN_HEADER, [example], csvio.EXCEL),
                          "modello-libro-soci.csv")


@bp.get("/members/export.csv")
@permission(P.REGISTER_EXPORT)
def export_csv():
    register_filter = queries.RegisterFilter.from_args(request.args)
    form = csvio.form_from(request.args)
    operations.record_export(actor(), "csv", register_filter)
    filename = f"libro-soci-{clock.today().isoformat()}.csv"
    return csvio.response(exporting.csv_lines(register_filter, form), filename)


@bp.get("/members/register.pdf")
@permission(P.REGISTER_EXPORT)
def export_pdf():
    register_filter = queries.RegisterFilter.from_args(request.args)
    operations.record_export(actor(), "pdf", register_filter)
    filename = f"libro-soci-{clock.today().isoformat()}.pdf"
    return Response(exporting.register_pdf(register_filter), mimetype="application/pdf",
                    headers={"Content-Disposition": f'inline; filename="{filename}"',
                             "Cache-Control": "no-store"})


@bp.get("/me/membership")
@permission(AUTHENTICATED)
def my_entry():
    member = current_user.member
    days = queries.seniority_days()
    return render_template(
        "members/my_entry.html", member=member, seniority_days=days,
        voting_right_from=queries.voting_right_from(member, days) if member else None,
        may_vote_today=queries.may_vote_today(member, days) if member else False, **_labels())
