from piccolo.columns import Boolean, Integer, Timestamptz, Varchar
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
