"""The route guards' old home: they live in ``web.guards`` (below every context)."""

from web.guards import ADMIN as ADMIN
from web.guards import ANY_ROLE as ANY_ROLE
from web.guards import OFFICER as OFFICER
from web.guards import current_principal as current_principal
from web.guards import requires_role as requires_role
