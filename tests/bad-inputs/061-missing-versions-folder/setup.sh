rm -r migrations/versions
