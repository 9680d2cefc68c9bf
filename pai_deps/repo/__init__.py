"""The typed seam over `queries/*.sql`.

One module per SQL file (`queries/tools.sql` -> `pai_deps.repo.tools`), one function per
named query, same name, same keyword parameters, returning pydantic rows. Tests check that
the names, parameters and result columns of the two sides agree.
"""
