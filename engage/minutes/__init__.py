"""The meetings the office runs itself (Working Together, scrutiny, multi-agency groups):
numbered agenda items, minutes per item, attendance and apologies."""
