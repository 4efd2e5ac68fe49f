"""A store's default language and time zone: defaults, and a bad time zone refused."""

import pytest
from django.core.exceptions import ValidationError

from tests import factories

pytestmark = pytest.mark.django_db


def test_a_store_defaults_to_english_and_utc():
    store = factories.StoreFactory()

    assert (store.language, store.time_zone) == ("en", "UTC")


@pytest.mark.parametrize("zone", ["Europe/Berlin", "Asia/Shanghai", "America/Sao_Paulo", "UTC"])
def test_a_known_time_zone_is_accepted(zone):
    store = factories.StoreFactory.build(time_zone=zone)

    store.full_clean(exclude=["members"])


@pytest.mark.parametrize("zone", ["Mars/Olympus", "", "europe/berlin ", "../../etc/passwd", "CET+99"])
def test_an_unknown_time_zone_is_refused_with_a_clear_error(zone):
    store = factories.StoreFactory.build(time_zone=zone)

    with pytest.raises(ValidationError) as refused:
        store.full_clean(exclude=["members"])

    assert "time_zone" in refused.value.message_dict


@pytest.mark.parametrize("currency", ["XXX", "SLL", "eur", "EURO", "DEM"])
def test_a_store_currency_that_is_not_active_iso_tender_is_refused(currency):
    store = factories.StoreFactory.build(currency=currency)

    with pytest.raises(ValidationError) as refused:
        store.full_clean(exclude=["members"])

    assert "currency" in refused.value.message_dict
