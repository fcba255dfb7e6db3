"""The round page's open-data form: keep a decided round's grants out of the open data (with a
reason) or publish them again (``subsidies.service.set_open_data``)."""

from __future__ import annotations

from litestar import Controller, Request, post
from litestar.params import FromPath
from litestar.plugins.flash import flash
from litestar.response import Redirect

from common.fields import flag_of, text
from common.i18n import N_
from subsidies import service
from web.forms import read_form
from web.guards import OFFICER, current_principal
from web.i18n import gettext


class OpenDataPages(Controller):
    path = "/subsidies"
    include_in_schema = False

    @post("/rounds/{round_id:int}/open-data", guards=[OFFICER], name="subsidies_round_open_data")
    async def set_open_data(self, request: Request, round_id: FromPath[int]) -> Redirect:
        """A refusal (no reason given) comes back on the round page (``web.errors``)."""
        principal = current_principal(request)
        assert principal is not None
        form = await read_form(request)
        withheld = flag_of(form, "withheld")
        await service.set_open_data(
            principal, round_id, withheld=withheld, reason=text(form, "reason")
        )
        message = (
            N_("The round's grants are kept out of the open data.")
            if withheld
            else N_("The round's grants are published in the open data.")
        )
        flash(request, gettext(message), category="success")
        return Redirect(f"/subsidies/rounds/{round_id}", status_code=303)


CONTROLLERS = [OpenDataPages]
