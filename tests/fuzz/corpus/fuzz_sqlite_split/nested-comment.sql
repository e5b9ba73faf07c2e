/* a /* nested ; */ still */ SELECT 1;
SELECT 2 -- ;
;