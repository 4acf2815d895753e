"""Actions: what someone has agreed to do, by when, from a concern or a meeting's agenda item."""
