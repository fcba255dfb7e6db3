"""Word letters and reports from plain data.

How a tender lot or a subsidy round writes its letters (the contexts fill in the data; nothing
here reads their tables):

1. Read the templates before rendering (the authority's own or the defaults)::

       templates = await service.templates_for(authority_id, [(LetterKind.REJECTION, "nl"),
                                                              (LetterKind.AWARD_INTENT, "nl")])

2. Make the letters as data: from a confirmed ranking for a lot
   (``scoring.letters.award_letters(ranking, addressees_by_ref, AwardSetting(...),
   language)``, in the scoring context, which owns the ranking),
   or build :mod:`kinds` dataclasses directly (``GrantDecision``, ``Refusal``,
   ``SettlementDecision``, ``SelectionOutcome``) as ``(ref, letter)`` pairs.

3. Render: ``bundle.letters_for(templates, pairs, language)`` (in this process) or
   ``bundle.letters_in_parallel(...)`` (a process pool, for rounds) yield
   :class:`service.GeneratedLetter` (filename, kind, addressee, ref, bytes).

4. Record them as sent in the transaction that changes the lot or round:
   ``await service.record_sent(actor, "lot", lot_id, generated)``; each letter's ``sent_at``
   starts the standstill period.

5. Serve one letter, or all as a zip stream: ``bundle.zip_stream((g.filename, g.data) for g in
   generated)``; PDF with ``bundle.as_pdfs`` and ``bundle.zip_stream_async`` where
   ``bundle.pdf_available()``.

The evaluation report and the clarification notice: :mod:`reports` (``evaluation_report``,
``clarification_notice``), with ``scoring.letters.report_from_ranking`` for the report's data.
"""
