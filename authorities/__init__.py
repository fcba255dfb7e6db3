"""Contracting authorities: the municipalities and agencies that run tenders and subsidy rounds."""
