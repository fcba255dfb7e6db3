"""Subsidy rounds: round, application, eligibility, allocation, decision, payment, settlement."""
