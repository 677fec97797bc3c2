"""onetrip kiosk."""
