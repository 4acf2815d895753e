"""Categories, meetings and concerns: the capture API's services and the phone pages, the
status workflow, the inspector's inbox, undo and corrections, the historical import."""
