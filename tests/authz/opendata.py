"""Routes of the open-data context: public, without sign-in."""

from tests.authz import PUBLIC

ROUTES = {
    ("GET", "/open-data"): PUBLIC,
    ("GET", "/open-data/ocds/releases.json"): PUBLIC,
    ("GET", "/open-data/ocds/records/{record:str}"): PUBLIC,
}
