"""The outbox for administrators: what waits, what was sent, what failed and why."""

from __future__ import annotations

from litestar import Controller, Request, get, post
from litestar.params import FromPath
from litestar.plugins.flash import flash
from litestar.response import Redirect, Template

from common import clock
from notifications import sender, service
from notifications.compose import compose
from notifications.domain import STATUS_LABELS, OutgoingMessage, Status
from web.guards import ADMIN, current_principal
from web.i18n import gettext
from web.pagination import paginate


class OutboxController(Controller):
    path = "/admin/outbox"
    guards = [ADMIN]
    include_in_schema = False

    @get("", name="outbox")
    async def outbox(self, request: Request) -> Template:
        status = request.query_params.get("status") or None
        if status not in (None, *[s.value for s in Status]):
            status = None
        _, total = await service.list_messages(status, 0, 1)
        pages = paginate("/admin/outbox", dict(request.query_params), total)
        messages, _ = await service.list_messages(status, pages.offset, pages.per_page)
        return Template(
            "notifications/outbox.html",
            context={
                "messages": messages,
                "pages": pages,
                "status": status or "",
                "statuses": [(s.value, gettext(STATUS_LABELS[s])) for s in Status],
                "labels": {s.value: STATUS_LABELS[s] for s in Status},
                "counts": await service.count_by_status(),
                "smtp_configured": request.app.state.settings.smtp.configured,
            },
        )

    @get("/{message_id:int}", name="outbox_message")
    async def message(self, message_id: FromPath[int]) -> Template:
        return Template(
            "notifications/message.html",
            context={
                "message": await service.get_message(message_id),
                "labels": {s.value: STATUS_LABELS[s] for s in Status},
            },
        )

    @post("/{message_id:int}/retry", name="outbox_retry")
    async def retry(self, request: Request, message_id: FromPath[int]) -> Redirect:
        principal = current_principal(request)
        assert principal is not None
        await service.retry(principal.as_actor(), message_id)
        flash(request, gettext("The message will be sent again."), category="success")
        return Redirect(f"/admin/outbox/{message_id}", status_code=303)

    @post("/test", name="outbox_test")
    async def test_message(self, request: Request) -> Redirect:
        """Queue a test message to the administrator, in their language."""
        principal = current_principal(request)
        assert principal is not None
        settings = request.app.state.settings
        subject, body = compose(
            "notifications/mail/test.txt",
            principal.language,
            name=principal.name,
            sent_at=clock.now(),
            zone=settings.timezone,
        )
        await service.enqueue(
            principal.as_actor(),
            OutgoingMessage(
                kind="test",
                recipient=principal.email,
                recipient_name=principal.name,
                language=principal.language,
                subject=subject,
                body=body,
            ),
        )
        flash(
            request,
            gettext("A test message to {email} is in the outbox.").format(email=principal.email),
            category="success",
        )
        return Redirect("/admin/outbox", status_code=303)

    @post("/send", name="outbox_send")
    async def send_now(self, request: Request) -> Redirect:
        smtp = request.app.state.settings.smtp
        if not smtp.configured:
            flash(
                request,
                gettext("No mail server is configured; messages wait in the outbox."),
                category="error",
            )
            return Redirect("/admin/outbox", status_code=303)
        summary = await sender.send_due(smtp)
        flash(
            request,
            gettext("Sent: {sent}. To be tried again: {retrying}. Failed: {failed}.").format(
                sent=summary.sent, retrying=summary.retrying, failed=summary.failed
            ),
            category="success",
        )
        return Redirect("/admin/outbox", status_code=303)


CONTROLLERS = [OutboxController]
