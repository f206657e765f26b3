"""WTForms of the assembly pages: input shape only; every rule is the operations'."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import SelectField, StringField, TextAreaField

from ..core.forms import REQUIRED
from .models import CallUsed, Kind

WHEN = {"type": "datetime-local"}


class AssemblyForm(FlaskForm):
    kind = SelectField(_l("Kind"), choices=lambda: Kind.choices(), validate_choice=False, validators=REQUIRED)
    title = StringField(_l("Title"), validators=REQUIRED)
    first_call_at = StringField(_l("First call (date and time)"), validators=REQUIRED, render_kw=WHEN)
    second_call_at = StringField(_l("Second call (date and time, another day)"), validators=REQUIRED, render_kw=WHEN)
    place = StringField(_l("Place"))
    online_link = StringField(_l("Online link (optional)"), render_kw={"type": "url"})


class ItemForm(FlaskForm):
    title = StringField(_l("Item title"), validators=REQUIRED)
    description = TextAreaField(_l("Description (Markdown: **bold**, lists, links)"), render_kw={"rows": 6})


class DocumentForm(FlaskForm):
    file = FileField(_l("Document (PDF or office file)"), validators=REQUIRED)


class ProxyForm(FlaskForm):
    delegate = SelectField(_l("Delegate"), validate_choice=False, validators=REQUIRED)


class PaperProxyForm(FlaskForm):
    delegator = StringField(_l("Delegator's register number"), validators=REQUIRED, render_kw={"inputmode": "numeric"})
    delegate = StringField(_l("Delegate's register number"), validators=REQUIRED, render_kw={"inputmode": "numeric"})
    scan = FileField(_l("Scan of the signed proxy (PDF)"))


class OpenForm(FlaskForm):
    call = SelectField(_l("Call"), choices=lambda: CallUsed.choices(), validate_choice=False, validators=REQUIRED)


class DesignateForm(FlaskForm):
    chair_name = StringField(_l("Chair"))
    secretary_name = StringField(_l("Secretary of the assembly"))
    scrutineers = StringField(_l("Scrutineers"))


class MinutesForm(FlaskForm):
    text = TextAreaField(_l("Minutes"), validators=REQUIRED, render_kw={"rows": 24})


class SignForm(FlaskForm):
    scan = FileField(_l("Scan of the signed minutes (PDF)"), validators=REQUIRED)


class SummaryForm(FlaskForm):
    summary = TextAreaField(_l("Summary for the minutes"), render_kw={"rows": 3})


class ActionForm(FlaskForm):
    """A button that posts (CSRF only)."""
