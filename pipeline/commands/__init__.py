"""The commands beside the build: new (blank workbooks), fields (template variables), watch."""
