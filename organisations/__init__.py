"""Organisations that apply, bid and are paid: care providers, NGOs, municipalities as applicants.

Shared by tenders (candidates, bidders, contractors) and subsidies (applicants), and read by
finance exports, so that one provider keeps one name, registration number and IBAN everywhere.
"""
