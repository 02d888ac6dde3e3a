"""Publication periods as versioned rule data (domain.md §4); see periods.py."""
