"""The member register's pages (libro soci): load, authorise, call one operation,
render or redirect. Rules live in operations; forms only carry the input."""
from __future__ import annotations

from flask import (Blueprint, Response, flash, redirect, render_template, request,
                   stream_with_context, url_for)
from flask_babel import gettext as _
from flask_login import current_user

from ..core import clock
from ..core.errors import DomainError, NotFound
from ..core.permissions import (AUTHENTICATED, REGISTER_READERS, REGISTER_WRITERS, NotAllowed,
                                Role, can_see_member, permission, user_has_role)
from . import exporting, importing, operations, queries
from .forms import CATEGORY_LABELS, STATUS_LABELS, CorrectMemberForm, ImportForm, NewMemberForm

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


def _load(number: int):
    member = queries.member_by_number(number)
    if member is None:
        raise NotFound(_("There is no member with register number %(n)d.", n=number))
    return member


def load_visible(number: int):
    """The entry, if the current user may see it: register readers see every entry, a
    member only their own (can_see_member). Another number, existing or not, is refused
    alike, so a member cannot probe which numbers exist."""
    member = queries.member_by_number(number)
    if member is None:
        if not user_has_role(current_user, *REGISTER_READERS):
            raise NotAllowed()
        raise NotFound(_("There is no member with register number %(n)d.", n=number))
    if not can_see_member(current_user, member):
        raise NotAllowed()
    return member


def _show_errors(form, error: DomainError) -> None:
    """Put an operation's errors next to the form's fields; the rest above the form."""
    if not error.errors:
        form.form_errors.append(error.message)
        return
    for name, messages in error.errors.items():
        field = getattr(form, name, None) if name in form._fields else None
        if field is None:
            form.form_errors.extend(messages)
        else:
            field.errors = [*field.errors, *messages]


def _csrf_failed(form) -> bool:
    if "csrf_token" in form.errors:
        form.form_errors.append(_("The form has expired: please send it again."))
        return True
    return False


def _labels() -> dict:
    return {"category_labels": CATEGORY_LABELS, "status_labels": STATUS_LABELS}


@bp.get("/members")
@permission(*REGISTER_READERS)
def register():
    register_filter = queries.RegisterFilter.from_args(request.args)
    page = _positive_int("page", 1, MAX_PAGE)
    per_page = _positive_int("per_page", PER_PAGE, MAX_PER_PAGE)
    members, total = queries.page_of(queries.register_query(register_filter), page, per_page)
    args = register_filter.as_args()
    if per_page != PER_PAGE:
        args["per_page"] = per_page
    days = queries.seniority_days()
    return render_template(
        "members/register.html", members=members, total=total, page=page, per_page=per_page,
        register_filter=register_filter, pager_args=args,
        voting_right_from=lambda member: queries.voting_right_from(member, days),
        can_write=user_has_role(current_user, *REGISTER_WRITERS),
        can_import=user_has_role(current_user, Role.BOARD), **_labels())


@bp.get("/members/<int:number>")
@permission(AUTHENTICATED)
def detail(number: int):
    member = load_visible(number)
    days = queries.seniority_days()
    return render_template(
        "members/detail.html", member=member, history=queries.history_of(member),
        voting_right_from=queries.voting_right_from(member, days),
        may_vote_today=queries.may_vote_today(member, days), seniority_days=days,
        amount_due=queries.amount_due(member),
        can_write=user_has_role(current_user, *REGISTER_WRITERS), **_labels())


@bp.route("/members/new", methods=["GET", "POST"])
@permission(*REGISTER_WRITERS)
def new():
    form = NewMemberForm()
    if not form.is_submitted():
        form.admitted_on.data = clock.today().isoformat()
        return render_template("members/new.html", form=form)
    form.validate()  # the CSRF token only: the rules are the operation's
    if not _csrf_failed(form):
        try:
            member = operations.add_member({**form.entry_data(), "number": form.number.data},
                                           current_user, note=form.note.data)
        except DomainError as error:
            _show_errors(form, error)
        else:
            flash(_("Member %(name)s entered in the register with number %(n)d.",
                    name=member.full_name, n=member.number), "success")
            return redirect(url_for("members.detail", number=member.number))
    return render_template("members/new.html", form=form), 422


@bp.route("/members/<int:number>/edit", methods=["GET", "POST"])
@permission(*REGISTER_WRITERS)
def edit(number: int):
    member = _load(number)
    if not request.method == "POST":
        return render_template("members/edit.html", member=member,
                               form=CorrectMemberForm.for_member(member), **_labels())
    form = CorrectMemberForm()
    form.validate()  # the CSRF token only: the rules are the operation's
    if not _csrf_failed(form):
        try:
            changed = operations.correct_member(member, form.entry_data(), current_user,
                                                form.note.data)
        except DomainError as error:
            _show_errors(form, error)
        else:
            if changed:
                flash(_("The entry was corrected: %(fields)s.", fields=", ".join(changed)), "success")
            else:
                flash(_("Nothing was changed."), "info")
            return redirect(url_for("members.detail", number=member.number))
    return render_template("members/edit.html", member=member, form=form, **_labels()), 422


@bp.route("/members/import", methods=["GET", "POST"])
@permission(Role.BOARD)
def import_csv():
    form = ImportForm()
    if not form.is_submitted():
        return render_template("members/import.html", form=form, header=importing.HEADER)
    rejected = None
    form.validate()  # the CSRF token only: the rules are the operation's
    if not _csrf_failed(form):
        upload = form.file.data
        if upload is None or not getattr(upload, "filename", ""):
            form.file.errors = [_("Choose a CSV file.")]
        else:
            try:
                result = importing.import_register(upload.read(), current_user)
            except importing.ImportRejected as error:
                rejected = error
            else:
                flash(_("%(count)d entries imported (numbers %(first)d to %(last)d).",
                        count=result.imported, first=result.first_number, last=result.last_number),
                      "success")
                return redirect(url_for("members.register"))
    return render_template("members/import.html", form=form, header=importing.HEADER,
                           rejected=rejected), 422


@bp.get("/members/export.csv")
@permission(*REGISTER_READERS)
def export_csv():
    register_filter = queries.RegisterFilter.from_args(request.args)
    operations.record_export(current_user, "csv", register_filter)
    filename = f"libro-soci-{clock.today().isoformat()}.csv"
    return Response(stream_with_context(exporting.csv_lines(register_filter)),
                    mimetype="text/csv",
                    headers={"Content-Disposition": f'attachment; filename="{filename}"'})


@bp.get("/members/register.pdf")
@permission(*REGISTER_READERS)
def export_pdf():
    register_filter = queries.RegisterFilter.from_args(request.args)
    operations.record_export(current_user, "pdf", register_filter)
    filename = f"libro-soci-{clock.today().isoformat()}.pdf"
    return Response(exporting.register_pdf(register_filter), mimetype="application/pdf",
                    headers={"Content-Disposition": f'inline; filename="{filename}"'})


@bp.get("/me/membership")
@permission(AUTHENTICATED)
def my_entry():
    member = current_user.member
    days = queries.seniority_days()
    return render_template(
        "members/my_entry.html", member=member, seniority_days=days,
        voting_right_from=queries.voting_right_from(member, days) if member else None,
        may_vote_today=queries.may_vote_today(member, days) if member else False, **_labels())
