chmod 444 app.db
