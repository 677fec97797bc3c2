"""onetrip hardware."""
