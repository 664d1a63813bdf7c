"""The statutory statistics (docs/reports.md, "Statutory statistics"): each form's layout
as versioned data (``forms/``, :mod:`.layouts`), the records it counts and the filters its
rows and columns bind (:mod:`.measures`), the figures in SQL and the records behind each
(:mod:`.selectors`), the .xlsx in the form's own layout (:mod:`.excel`), the screens
(:mod:`.views`) and ``/api/v1/statistics`` (:mod:`.api`)."""
