"""Screens of the scoring app, one module per area: tables, sheets (score sheets, items,
queues, ranking) and excel (imports and exports)."""
