"""The people API: `base` (building blocks every app's API uses), `people`, `records` (tests, determinations)."""
