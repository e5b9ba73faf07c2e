{ echo '[strata]'; echo 'script_location = migrations'
  printf 'url = sqlite:///%0300d.db\n' 0; } > strata.ini
