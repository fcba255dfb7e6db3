from piccolo.columns import Boolean, Text, Timestamptz, Varchar
from piccolo.table import Table


class Organisation(Table, tablename="organisations_organisation"):
    """One organisation, identified by its country and registration number."""

    name = Varchar(length=200, index=True)
    country = Varchar(length=2)
    registration_number = Varchar(length=20, index=True)
    iban = Varchar(length=34, null=True, default=None)
    address = Text(default="")
    contact_name = Varchar(length=200, default="")
    # How letters greet the contact: "ms", "mr", "neutral" or "" (organisations.domain.
    # FormOfAddress), and the surname after mevrouw / heer ("Jansen", "de Vries").
    contact_form_of_address = Varchar(length=10, default="")
    contact_surname = Varchar(length=200, default="")
    email = Varchar(length=254, default="")
    phone = Varchar(length=40, default="")
    # A sole trader (eenmanszaak, enkeltmandsvirksomhed, jednoosobowa działalność, enskild
    # firma): its name is a person's, which open data leaves out or pseudonymises.
    natural_person = Boolean(default=False)
    created_at = Timestamptz()
    updated_at = Timestamptz()
