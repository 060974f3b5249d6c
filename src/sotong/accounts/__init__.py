"""Console accounts: users, roles, passwords and login sessions."""
