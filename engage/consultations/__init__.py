"""A priorities consultation: what the wider public says the police should focus on in
their ward, answered on a public page, keyed from paper or imported from a survey tool."""
