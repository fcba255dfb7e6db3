"""Open data: what the public may know of tenders (OCDS) and subsidy rounds (360Giving).

Sits above ``tenders`` and ``subsidies`` (it reads them) and below ``config``; nothing else
imports it.
"""
