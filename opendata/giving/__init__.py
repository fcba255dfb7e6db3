"""360Giving: the grants of decided subsidy rounds as open data (domain, service, endpoint)."""
