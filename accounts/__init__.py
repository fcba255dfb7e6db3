"""Users, roles, memberships of contracting authorities, sessions, login and guards."""
