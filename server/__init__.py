"""onetrip server."""
