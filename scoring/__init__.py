"""Criteria, scales, evaluators, conflicts of interest, scores, consensus, price formulas, ranking.

Shared by tenders and subsidies; knows neither: it scores subjects on a criteria tree.
"""
