-- nothing
/* at all */
;;
