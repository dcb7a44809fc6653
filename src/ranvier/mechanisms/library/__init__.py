"""Published mechanisms, one file per source paper."""
