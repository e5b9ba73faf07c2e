"$STRATA" -q upgrade heads
