"""GovTrust 政务诚信平台."""
