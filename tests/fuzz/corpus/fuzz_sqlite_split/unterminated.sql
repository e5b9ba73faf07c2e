SELECT 'abc;
SELECT 1; /* open comment