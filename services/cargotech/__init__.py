"""CargoTech API integration: models, HTTP client, errors."""
