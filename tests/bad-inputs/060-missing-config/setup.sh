rm strata.ini
