"""Teams (INTs and partner agencies), the wards they cover (`coverage`), routing rules and
`route()`: which team leads on a concern and who is copied."""
