"""The e-mail outbox: routed concerns and digests, the worker (`flask outbox send`)."""
