"""The admin area's blueprint, layout, menu and dashboard, and the audit trail screen. Each
domain's admin screens live with the domain (teams/admin.py, concerns/categories_admin.py...)."""
