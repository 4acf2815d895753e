"""Users, roles, API tokens, log-in sessions, and the policy: who may see and do what
(`policy.Scope`, `access`)."""
