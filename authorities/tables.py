from piccolo.columns import Boolean, Integer, Text, Timestamptz, Varchar
from piccolo.table import Table


class Authority(Table, tablename="authorities_authority"):
    name = Varchar(length=200, unique=True)
    country = Varchar(length=2)
    currency = Varchar(length=3)
    timezone = Varchar(length=64)
    language = Varchar(length=5)
    registration_number = Varchar(length=20)
    standstill_days = Integer(default=10)
    active = Boolean(default=True)
    created_at = Timestamptz()
    # letters: letterhead, signature by mandate, where to complain, where to repay
    postal_address = Text(default="")
    visiting_address = Text(default="")
    website = Varchar(length=200, default="")
    complaint_desk = Varchar(length=200, default="")
    decision_body = Varchar(length=200, default="")
    signatory_name = Varchar(length=200, default="")
    signatory_function = Varchar(length=200, default="")
    iban = Varchar(length=42, default="")
    logo_file = Integer(null=True, default=None)  # a documents file: PNG or JPEG


class ServiceType(Table, tablename="authorities_service_type"):
    """A kind of care that is commissioned (day support, household help, ...); admin-editable."""

    code = Varchar(length=40, unique=True)
    name_en = Varchar(length=120)
    name_nl = Varchar(length=120)
    active = Boolean(default=True)
    # The name in the other interface languages; empty: the English name is shown.
    name_da = Varchar(length=120, default="")
    name_pl = Varchar(length=120, default="")
    name_sv = Varchar(length=120, default="")
