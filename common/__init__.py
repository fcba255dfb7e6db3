"""Shared kernel: small pure-Python building blocks every bounded context uses.

Nothing here imports Litestar or Piccolo or does I/O.
"""
