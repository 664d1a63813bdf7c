"""Screens of the scoring app, one module per area: tables, sheets (score sheets, items,
queues, ranking), excel (imports and exports) and registrations (a campaign's
registrations, amendments and opening its review points, under /campaigns/)."""
