"""The roster's lifecycle in the API: whereabouts changes, deaths, leaving and returning, releases, transfers."""
