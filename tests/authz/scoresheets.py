"""Routes of the Excel scoresheets (scoring): pages and /api/v1/scoring."""

from tests.authz import EVALUATOR, OFFICER

READERS = frozenset({"officer", "admin", "finance"})
E = "/scoring/evaluations/{evaluation_id:int}"
A = "/api/v1/scoring/evaluations/{evaluation_id:int}"

ROUTES = {
    ("GET", f"{E}/scoresheet"): EVALUATOR,
    ("POST", f"{E}/scoresheet"): EVALUATOR,
    ("GET", f"{E}/consensus/workbook"): READERS,
    ("POST", f"{E}/consensus/workbook"): OFFICER,
    ("POST", f"{E}/scores-due"): OFFICER,
    ("GET", f"{A}/scoresheet"): EVALUATOR,
    ("POST", f"{A}/scoresheet"): EVALUATOR,
    ("GET", f"{A}/consensus/workbook"): READERS,
    ("POST", f"{A}/consensus/workbook"): OFFICER,
    ("PUT", f"{A}/scores-due"): OFFICER,
}
