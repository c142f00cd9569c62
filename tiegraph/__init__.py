"""tiegraph: graph-native relationship intelligence."""

__version__ = "0.1.0"
