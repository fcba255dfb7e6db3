"""LibreOffice opens what we generate: a sheet converts to PDF and re-saves as xlsx."""

import io
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from documents import office
from documents.tables_export import Column, Sheet, xlsx_file
from tests.support.browser import require_tool

pytestmark = pytest.mark.office


def generated_sheet() -> bytes:
    rows = [{"provider": "=cmd|' /C calc'!A0", "amount": Decimal("1234.50"), "currency": "EUR"}]
    columns = [
        Column("provider", "Provider"),
        Column("amount", "Amount", "money"),
        Column("currency", "Currency"),
    ]
    return xlsx_file([Sheet("Awards", columns, rows, totals=True)]).read()


async def test_a_generated_workbook_converts_to_pdf():
    require_tool(office.available(), "LibreOffice")
    pdf = await office.convert(generated_sheet(), ".xlsx", "pdf")
    assert pdf.startswith(b"%PDF")


async def test_libreoffice_resaves_a_generated_workbook_that_reads_back_the_same():
    require_tool(office.available(), "LibreOffice")
    resaved = await office.convert(generated_sheet(), ".xlsx", "xlsx")
    sheet = load_workbook(io.BytesIO(resaved))["Awards"]
    assert sheet["A2"].value == "'=cmd|' /C calc'!A0"
    assert sheet["A2"].data_type == "s"
    assert Decimal(str(sheet["B2"].value)) == Decimal("1234.5")
