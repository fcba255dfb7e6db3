"""The append-only audit log: every state change, with a hash chain that shows tampering."""
