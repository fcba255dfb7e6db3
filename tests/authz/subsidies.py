"""Routes of subsidy rounds: pages and /api/v1/subsidies."""

from tests.authz import OFFICER

READERS = frozenset({"officer", "admin", "finance"})
R = "/subsidies/rounds/{round_id:int}"
A = "/subsidies/applications/{application_id:int}"

ROUTES = {
    ("GET", "/subsidies"): READERS,
    ("GET", "/subsidies/rounds/new"): OFFICER,
    ("POST", "/subsidies/rounds"): OFFICER,
    ("GET", R): READERS,
    ("POST", R): OFFICER,
    ("GET", f"{R}/edit"): OFFICER,
    ("POST", f"{R}/open"): OFFICER,
    ("POST", f"{R}/review"): OFFICER,
    ("POST", f"{R}/allocation"): OFFICER,
    ("GET", f"{R}/allocation"): READERS,
    ("POST", f"{R}/allocation/{{application_id:int}}"): OFFICER,
    ("POST", f"{R}/decision"): OFFICER,
    ("POST", f"{R}/open-data"): OFFICER,
    ("GET", f"{R}/payments"): READERS,
    ("POST", "/subsidies/payments/{payment_id:int}"): OFFICER,
    ("GET", f"{R}/applications"): READERS,
    ("POST", f"{R}/applications/bulk"): OFFICER,
    ("GET", f"{R}/applications/new"): OFFICER,
    ("POST", f"{R}/applications"): OFFICER,
    ("GET", f"{R}/import"): OFFICER,
    ("POST", f"{R}/import"): OFFICER,
    ("POST", f"{R}/import/{{file_id:int}}"): OFFICER,
    ("GET", A): READERS,
    ("POST", f"{A}/step"): OFFICER,
    ("POST", f"{A}/eligibility"): OFFICER,
    ("POST", f"{A}/settlement"): OFFICER,
}

API = "/api/v1/subsidies"
AR = f"{API}/rounds/{{round_id:int}}"
AA = f"{API}/applications/{{application_id:int}}"

ROUTES |= {
    ("GET", f"{API}/rounds"): READERS,
    ("POST", f"{API}/rounds"): OFFICER,
    ("GET", AR): READERS,
    ("PUT", AR): OFFICER,
    ("POST", f"{AR}/open"): OFFICER,
    ("POST", f"{AR}/review"): OFFICER,
    ("POST", f"{AR}/allocation"): OFFICER,
    ("GET", f"{AR}/allocation"): READERS,
    ("PUT", f"{AR}/allocation/{{application_id:int}}"): OFFICER,
    ("POST", f"{AR}/decision"): OFFICER,
    ("POST", f"{AR}/open-data"): OFFICER,
    ("GET", f"{AR}/payments"): READERS,
    ("PUT", f"{API}/payments/{{payment_id:int}}"): OFFICER,
    ("GET", f"{AR}/applications"): READERS,
    ("POST", f"{AR}/applications"): OFFICER,
    ("GET", AA): READERS,
    ("GET", f"{AA}/history"): READERS,
    ("POST", f"{AA}/steps"): OFFICER,
    ("POST", f"{AA}/eligibility"): OFFICER,
    ("POST", f"{AA}/settlement"): OFFICER,
}

ROUTES |= {
    ("POST", f"{A}/files"): OFFICER,
    ("GET", f"{A}/files/{{file_id:int}}"): READERS,
    ("POST", f"{R}/regulation"): OFFICER,
    ("GET", f"{R}/regulation"): READERS,
}

# Letters: readers list and download, officers send.
ROUTES |= {
    ("GET", f"{R}/letters"): READERS,
    ("POST", f"{R}/letters"): OFFICER,
    ("GET", f"{R}/letters.zip"): READERS,
    ("GET", f"{R}/letters/{{file_id:int}}"): READERS,
    ("GET", f"{A}/letters/{{file_id:int}}"): READERS,
    ("GET", f"{R}/evaluation-report.docx"): READERS,
    ("GET", f"{AR}/letters"): READERS,
    ("POST", f"{AR}/letters"): OFFICER,
    ("GET", f"{AR}/letters.zip"): READERS,
    ("GET", f"{AR}/letters/{{file_id:int}}"): READERS,
    ("GET", f"{AR}/evaluation-report.docx"): READERS,
    ("GET", f"{AA}/letters"): READERS,
    ("GET", f"{AA}/letters/{{file_id:int}}"): READERS,
}
