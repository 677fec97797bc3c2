"""onetrip hardware: ESC/POS printers and layouts, RS-485 keypads, evaluators and LED strips,
and virtual versions of each (see docs/hardware.md)."""
