"""The portfolio's filter form (read from the query string, so a filtered page can be bookmarked)."""

from __future__ import annotations

from wtforms import SelectField

from ..core.forms import BaseForm, choices
from ..core.impact import IMPACT_COMPONENT_LABELS, ImpactComponent
from ..orgs.models import ORG_TYPE_LABELS, OrgType
from .queries import PERIODS, Filters

PERIOD_CHOICES = [(str(months), f"Last {months} months") for months in reversed(PERIODS)]
COMPONENT_CHOICES = [("", "Any component")] + [(c.value, label) for c, label in IMPACT_COMPONENT_LABELS.items()]
TYPE_CHOICES = [("", "Any type")] + [(t.value, label) for t, label in ORG_TYPE_LABELS.items()]


class FilterForm(BaseForm):
    """Period for cycles, organisation type, NHS IMPACT component and (on an organisation's page) unit."""

    class Meta:
        csrf = False

    months = SelectField("Cycles counted over", choices=choices(PERIOD_CHOICES), default="12")
    org_type = SelectField("Organisation type", choices=choices(TYPE_CHOICES), default="")
    component = SelectField("Projects serving", choices=choices(COMPONENT_CHOICES), default="")
    unit_id = SelectField("Unit", choices=choices([("", "Any unit")]), default="")

    def to_filters(self) -> Filters:
        return Filters(
            months=int(self.months.data or 12),
            org_type=OrgType(self.org_type.data) if self.org_type.data else None,
            component=ImpactComponent(self.component.data) if self.component.data else None,
            unit_id=int(self.unit_id.data) if self.unit_id.data else None,
        )
