"""The Panel report, the figures behind it, exports, and "You said, we did" (the office's
screens and the residents' public pages)."""
