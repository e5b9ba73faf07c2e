INSERT INTO t VALUES ('a;b', 'it''s', "q;""x");
SELECT ';' -- ; comment
;
/* ; */ SELECT 2;