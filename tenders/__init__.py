"""Procurement procedures: tender, lot, candidate, bid, dialogue, Q&A, award, contract."""
