"""onetrip display."""
