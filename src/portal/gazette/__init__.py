"""The gazette registry: issues, documents, clauses with permalinks, relations and search."""
