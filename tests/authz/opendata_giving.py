"""The 360Giving grants: public, no sign-in."""

from tests.authz import PUBLIC

ROUTES = {
    ("GET", "/open-data/360giving/grants.json"): PUBLIC,
}
