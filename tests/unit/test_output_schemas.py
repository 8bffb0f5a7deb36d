"""Every output field that can be null says so (`allow_none`, so the OpenAPI document says
`nullable`): checked against the nullability of the column it is read from."""

import pytest
from sqlalchemy import inspect

from services.appreciation import models as appreciation
from services.appreciation.api import gathering_schemas
from services.appreciation.api import schemas as appreciation_schemas
from services.notifications import models as notifications
from services.notifications import schemas as notification_schemas
from services.recruitment import models as recruitment
from services.recruitment.api import education_schemas, schemas
from services.recruitment.models import placements

# Each output schema and the model whose rows it dumps.
OUTPUTS = [
    (schemas.NetworkSchema, recruitment.Network),
    (schemas.OrganisationSchema, recruitment.Organisation),
    (schemas.VacancySchema, recruitment.Vacancy),
    (schemas.VacancySummarySchema, recruitment.Vacancy),  # a search.Listing reads its vacancy
    (schemas.ResponseSchema, recruitment.Response),
    (schemas.ResponseReceiptSchema, recruitment.Response),
    (schemas.AlertReceiptSchema, recruitment.AlertSubscription),
    (education_schemas.PartnerSchema, recruitment.EducationPartner),
    (education_schemas.CohortSchema, placements.Cohort),
    (education_schemas.PlacementSchema, placements.Placement),
    (education_schemas.StudentSchema, placements.Student),
    (education_schemas.HoursSchema, placements.HoursEntry),
    (education_schemas.MeetSessionSchema, placements.MeetSession),
    (appreciation_schemas.DiscountPartnerSchema, appreciation.DiscountPartner),
    (appreciation_schemas.PassSchema, appreciation.Pass),
    (appreciation_schemas.OfferSchema, appreciation.Offer),
    (gathering_schemas.EventSchema, appreciation.Gathering),
    (notification_schemas.DeliverySchema, notifications.Delivery),
]


def nullable_attributes(model) -> set[str]:
    mapper = inspect(model)
    columns = {c.key for c in mapper.column_attrs if any(col.nullable for col in c.columns)}
    relations = {r.key for r in mapper.relationships if any(col.nullable for col in r.local_columns)}
    return columns | relations


@pytest.mark.parametrize(("schema", "model"), OUTPUTS, ids=lambda x: x.__name__)
def test_every_field_read_from_a_nullable_column_is_declared_nullable(schema, model):
    nullable = nullable_attributes(model)
    fields = schema().dump_fields.items()
    undeclared = [name for name, f in fields if (f.attribute or name) in nullable and not f.allow_none]
    assert undeclared == []
