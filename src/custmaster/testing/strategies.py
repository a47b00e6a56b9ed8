"""Hypothesis strategies for Chinese customer data: valid values, invalid ones, whole records.

Use them in your own tests to feed realistic identity, contact and vehicle data to the code
under test: every valid value passes custmaster's validator for its format, every invalid one
is labelled with the error code custmaster raises for it, and each strategy shrinks to a
small, readable example. They need the ``testing`` extra (``pip install 'custmaster[testing]'``).

Example::

    from hypothesis import given
    from custmaster.testing.strategies import phones, resident_ids
    from custmaster.validate import phone

    @given(resident_ids(region="35", gender="F"), phones())
    def test_customer_form_accepts_real_data(resident_id, generated):
        form = CustomerForm(resident_id=resident_id, mobile=generated.text)
        assert form.mobile == phone.validate(generated.text) == generated.normalised
"""

from __future__ import annotations

from custmaster.testing._values import (
    GeneratedPhone,
    InvalidResidentIdKind,
    InvalidValue,
    PhoneKind,
    invalid_resident_ids,
    phones,
    resident_id_check_char,
    resident_ids,
)

__all__ = [
    "GeneratedPhone",
    "InvalidResidentIdKind",
    "InvalidValue",
    "PhoneKind",
    "invalid_resident_ids",
    "phones",
    "resident_id_check_char",
    "resident_ids",
]
