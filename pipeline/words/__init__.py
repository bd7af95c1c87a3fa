"""Words: the French of the documents (numbers, dates, agreement, typography, money)."""
