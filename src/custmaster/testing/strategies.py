"""Hypothesis strategies for Chinese customer data: values, labelled invalid values, records.

Use them in your own tests to feed realistic identity, contact and vehicle data to the code
under test. Every valid value passes custmaster's validator for its format (and normalises to
what the strategy says), every invalid one is labelled with the error code custmaster raises
for it, related values can be made to agree (an ID's region and birth date, a plate's and an
address's province), and each strategy shrinks to a small, readable example such as
``110101199001010015`` or ``13800000000``. The values are generated from the formats' own
rules (region-code tables with their years, check-digit algorithms, phonenumbers' metadata),
never by asking the validators, so custmaster's own tests use them to test the validators.

They need hypothesis: install the ``testing`` extra (``pip install 'custmaster[testing]'``).

| Strategy | Generates |
|---|---|
| `resident_ids` | 18- or 15-digit resident ID numbers (region, birth date, gender) |
| `invalid_resident_ids` | `InvalidValue` ``(value, code, strict)`` pairs |
| `phones` | `GeneratedPhone` ``(text, normalised, e164, extension, kind)`` |
| `usccs` | unified social credit codes |
| `vins`, `engine_numbers` | vehicle identification and engine numbers |
| `plates` | plate numbers, standard and new-energy |
| `postcodes`, `emails` | postcodes by province, e-mail addresses |
| `names` | people (real surname frequencies) and organisations |
| `addresses` | `GeneratedAddress` ``(text, region_code, province, city, …)`` |

Whole domain objects, consistent with each other (a person's resident ID, birth date, gender
and home province agree; a policy's insured exists), come from the same module:

| Strategy | Generates |
|---|---|
| `customers`, `customer_books` | `custmaster.model.Customer`; customers with their policies |
| `policies`, `endorsements`, `policy_lines`, `policy_numbers` | policies and their parts |
| `vehicles` | vehicles with plate, VIN, engine number and make/model |
| `contact_points`, `contact_events` | phones, e-mails, addresses and contact attempts |
| `source_records`, `provenances`, `channels` | records as channels deliver them |
| `identity_documents`, `history_entries`, `customer_ids`, `times` | the smaller parts |

Example::

    from hypothesis import given
    from custmaster.testing.strategies import phones, resident_ids
    from custmaster.validate import cn_resident_id, phone

    @given(resident_ids(region="35", gender="F"), phones(kind="fixed_line"))
    def test_customer_form_accepts_real_data(resident_id, generated):
        form = CustomerForm(resident_id=resident_id, phone=generated.text)
        assert form.phone == phone.validate(generated.text) == generated.normalised
        assert cn_resident_id.get_gender(form.resident_id) == "F"

The small check-character helpers (`resident_id_check_char`, `uscc_check_char`,
`organisation_code_check_char`, `vin_check_digit`, `model_year_code`) are exported too, for
building fixtures by hand:

>>> resident_id_check_char("11010519491231002")
'X'
>>> vin_check_digit("LSVAU2180N2183294"), model_year_code(2022)
('X', 'N')
"""

from __future__ import annotations

from custmaster.testing._domain import (
    channels,
    contact_events,
    contact_points,
    customer_books,
    customer_ids,
    customers,
    endorsements,
    history_entries,
    identity_documents,
    policies,
    policy_lines,
    policy_numbers,
    provenances,
    source_records,
    times,
    vehicles,
)
from custmaster.testing._values import (
    GeneratedAddress,
    GeneratedPhone,
    InvalidResidentIdKind,
    InvalidValue,
    PhoneKind,
    addresses,
    emails,
    engine_numbers,
    invalid_resident_ids,
    model_year_code,
    names,
    organisation_code_check_char,
    phones,
    plates,
    postcodes,
    resident_id_check_char,
    resident_ids,
    uscc_check_char,
    usccs,
    vin_check_digit,
    vins,
)

__all__ = [
    "GeneratedAddress",
    "GeneratedPhone",
    "InvalidResidentIdKind",
    "InvalidValue",
    "PhoneKind",
    "addresses",
    "channels",
    "contact_events",
    "contact_points",
    "customer_books",
    "customer_ids",
    "customers",
    "emails",
    "endorsements",
    "engine_numbers",
    "history_entries",
    "identity_documents",
    "invalid_resident_ids",
    "model_year_code",
    "names",
    "organisation_code_check_char",
    "phones",
    "plates",
    "policies",
    "policy_lines",
    "policy_numbers",
    "postcodes",
    "provenances",
    "resident_id_check_char",
    "resident_ids",
    "source_records",
    "times",
    "uscc_check_char",
    "usccs",
    "vehicles",
    "vin_check_digit",
    "vins",
]
