"""The web shell: layout, static assets, translations, error pages, navigation, dashboards."""
