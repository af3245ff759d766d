"""Question banks: frozen models, the YAML loader and validator, and the catalog of loaded banks."""
