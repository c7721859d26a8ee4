"""Self-contained offline HTML report of a case and its studies."""
