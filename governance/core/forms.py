"""What every HTML form shares: putting an operation's errors next to the fields, the
expired-form message, and the "required" marker. Forms check the input's shape only;
the rules are the operations' (CONVENTIONS.md), whose DomainError lands here."""
from __future__ import annotations

from flask import g
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from wtforms.fields import Field

from .errors import DomainError


class Required:
    """Marks a field as required (the asterisk, and the `required` attribute that browsers
    and screen readers use) without checking it: the operation does, once for HTML and API."""

    field_flags = {"required": True}

    def __call__(self, form, field):
        pass


REQUIRED = [Required()]

# A legal person's own words for the entry's fields (its form and its error summary).
LEGAL_PERSON_LABELS = {"last_name": _l("Company name"), "tax_code": _l("VAT number (partita IVA)"),
                       "legal_representative": _l("Legal representative")}


def label_as_legal_person(form, legal: bool) -> None:
    """Name the fields as a legal person's (Denominazione, Partita IVA, Legale
    rappresentante) when the form is about one; `form.legal_person` tells the template."""
    form.legal_person = legal
    if legal:
        for name, text in LEGAL_PERSON_LABELS.items():
            if name in form:
                form[name].label.text = str(text)


def show_errors(form, error: DomainError, default_field: str | None = None) -> None:
    """Put an operation's errors next to the form's fields; errors of fields the form does
    not have, and an error without a field, go above the form (or next to
    `default_field`)."""
    g.form_errors = True  # "Errore:" in the page's title (core.templating.page_has_errors)
    placed = False
    for name, messages in (error.errors or {}).items():
        field = form._fields.get(name) if isinstance(name, str) else None
        if isinstance(field, Field) and name != "csrf_token":
            field.errors = list(field.errors or []) + list(messages)
        else:
            form.form_errors.extend(messages)
        placed = True
    if placed:
        return
    field = form._fields.get(default_field) if default_field else None
    if field is not None:
        field.errors = list(field.errors or []) + [error.message]
    else:
        form.form_errors.append(error.message)


def csrf_failed(form) -> bool:
    """The form's CSRF token was missing or expired: say so above the form."""
    if "csrf_token" in form.errors:
        form.form_errors.append(_("The form has expired: please send it again."))
        return True
    return False


def emailed_link_page(form, send, *, page: dict, answer: str, then: str):
    """Every "send me a link" page (a forgotten password, an applicant's password, a new
    activation link) has one shape: an email, `send(email)`, and then the same `answer`
    whatever the email (nobody learns who has an account) and back to `then`. An email
    nobody could have (a NUL byte...) comes back next to the field. `page`: the words of
    core/email_link.html (title, intro, back_url, back)."""
    from flask import flash, redirect, render_template
    if form.validate_on_submit():
        try:
            send(form.email.data)
        except DomainError as error:
            show_errors(form, error, default_field="email")
            return render_template("core/email_link.html", form=form, **page), 422
        flash(answer, "info")
        return redirect(then)
    status = 422 if form.is_submitted() else 200
    return render_template("core/email_link.html", form=form, **page), status
