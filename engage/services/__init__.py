"""Domain logic as plain functions: they take what they need, never touch `request`,
and leave committing to the view or command that calls them."""
