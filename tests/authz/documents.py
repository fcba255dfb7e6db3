"""Routes of documents: letter templates per authority (administrators only)."""

from tests.authz import ADMIN

T = "/admin/letter-templates/{authority_id:int}"
S = f"{T}/{{kind:str}}/{{language:str}}"
A = "/api/v1/letter-templates/{authority_id:int}"

ROUTES = {
    ("GET", "/admin/letter-templates"): ADMIN,
    ("GET", T): ADMIN,
    ("POST", T): ADMIN,
    ("GET", S): ADMIN,
    ("GET", f"{S}/preview"): ADMIN,
    ("POST", f"{S}/reset"): ADMIN,
    ("GET", A): ADMIN,
    ("PUT", f"{A}/{{kind:str}}/{{language:str}}"): ADMIN,
    ("DELETE", f"{A}/{{kind:str}}/{{language:str}}"): ADMIN,
}
