"""The only code that talks to the database: schema, seeding, rollups and the scoped read queries.

Callers above this package catch `DatabaseError` (any failure of the database or its driver) rather
than importing SQLAlchemy themselves: SQL and its library stay inside data_access.
"""
from sqlalchemy.exc import SQLAlchemyError as DatabaseError

__all__ = ["DatabaseError"]
