"""The five NHS IMPACT components: shared vocabulary for projects, the self-assessment and roll-ups."""

from __future__ import annotations

from enum import StrEnum


class ImpactComponent(StrEnum):
    """The components of NHS IMPACT, by their canonical slugs."""

    SHARED_PURPOSE = "building_shared_purpose_vision"
    PEOPLE_CULTURE = "investing_people_culture"
    LEADERSHIP = "developing_leadership_behaviours"
    CAPABILITY = "building_capability_capacity"
    MANAGEMENT_SYSTEMS = "embedding_management_systems"


IMPACT_COMPONENT_LABELS: dict[ImpactComponent, str] = {
    ImpactComponent.SHARED_PURPOSE: "Building a shared purpose and vision",
    ImpactComponent.PEOPLE_CULTURE: "Investing in people and culture",
    ImpactComponent.LEADERSHIP: "Developing leadership behaviours",
    ImpactComponent.CAPABILITY: "Building improvement capability and capacity",
    ImpactComponent.MANAGEMENT_SYSTEMS: "Embedding improvement into management systems and processes",
}
