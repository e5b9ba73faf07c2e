"$STRATA" -q upgrade head
