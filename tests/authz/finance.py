"""Finance's routes: read-only, for administrators, officers and finance."""

READERS = frozenset({"admin", "officer", "finance"})

ROUTES = {
    ("GET", "/finance"): READERS,
    ("GET", "/finance/export/{filename:str}"): READERS,
    ("GET", "/api/v1/finance/awards"): READERS,
    ("GET", "/api/v1/finance/budget"): READERS,
    ("GET", "/api/v1/finance/payments"): READERS,
}
