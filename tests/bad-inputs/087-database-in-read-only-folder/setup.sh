mkdir ro && chmod 555 ro
