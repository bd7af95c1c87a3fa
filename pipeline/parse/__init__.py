"""Parsing: cells into values, sheets into the model of a meeting; every problem with its place."""

from pipeline.parse.meeting import parse_meeting

__all__ = ["parse_meeting"]
