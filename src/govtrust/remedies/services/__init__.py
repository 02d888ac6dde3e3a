"""Every write of the remedies app: filing (public), handling (staff), self-corrections."""
