"""What every domain stands on and no domain rule: database types and set-up, the audit hook,
paging, query parameters, text checks, CSV reading, errors, dates, vendored front-end files."""
