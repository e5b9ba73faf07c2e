SELECT 'é;ü'; SELECT "ß" FROM "日本";
