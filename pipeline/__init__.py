"""make-minutes: the minutes of French public bodies, from the clerk's spreadsheets."""

__version__ = "0.1.0"
