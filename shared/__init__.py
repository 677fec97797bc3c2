"""onetrip shared."""
