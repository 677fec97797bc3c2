"""onetrip caller."""
