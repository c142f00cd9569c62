"""Pure scoring: tie strength, decay and labels. No I/O, no database imports."""
