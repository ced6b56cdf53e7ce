"""The only code that talks to the database: schema, seeding, rollups and the scoped read queries."""
