"""Demo teams, rules, meetings and concerns, always marked as demo (`flask demo`)."""
