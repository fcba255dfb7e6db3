"""The mail outbox and its sender."""
