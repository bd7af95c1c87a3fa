"""Parsing: cells into values, sheets into the model of a meeting; every problem with its place."""

from pipeline.parse.meeting import Reading, parse_meeting, read_meeting

__all__ = ["Reading", "parse_meeting", "read_meeting"]
