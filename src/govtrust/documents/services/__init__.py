"""Every write to issued documents goes through these services: issue, publish, download."""
