printf -- '-- revision: x1\n-- down_revision: c3\n\0\n-- migrate:up\nSELECT 1;\n' > migrations/versions/x1_binary.sql
