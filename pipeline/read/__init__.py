"""Reading: find the meetings, survey each workbook before it is read, read its sheets into cells with places."""
