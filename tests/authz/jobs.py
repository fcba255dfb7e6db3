"""Routes of jobs: every signed-in role reaches them; a job is shown to its owner only."""

from tests.authz import ALL_ROLES

ROUTES = {
    ("GET", "/jobs/{job_id:int}"): ALL_ROLES,
    ("GET", "/jobs/{job_id:int}/result"): ALL_ROLES,
    ("GET", "/api/v1/jobs/{job_id:int}"): ALL_ROLES,
}
