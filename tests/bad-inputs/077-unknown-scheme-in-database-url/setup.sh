export DATABASE_URL=mongodb://localhost/app
