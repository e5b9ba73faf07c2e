check "$name: no folder was created" test ! -e "$P/no"
