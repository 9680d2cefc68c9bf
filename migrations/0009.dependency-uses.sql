-- Who reads what (issue 13): the fields of a provider's contract that a consumer reads,
-- as the consumer's manifest declares them under `depends_on[].uses`, one row per JSON
-- pointer (`*` for any array index or key; the empty pointer for the whole contract). A
-- dependency with no rows here declared no `uses` and is taken to read everything. The
-- contract is named as the provider lists it (the provider may not be registered yet),
-- so it is text, not a reference to `contracts`. Rows go with their dependency.
--
-- And deprecation declared on a contract in the provider's manifest (`deprecated: true`,
-- optionally `until:` a date or version and a message): one row per deprecated contract.
-- depends: 0008.tools-manifest-path-index

CREATE TABLE dependency_uses (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    dependency_id INTEGER NOT NULL REFERENCES dependencies (id) ON DELETE CASCADE,
    contract      TEXT    NOT NULL CHECK (length(contract) > 0),
    pointer       TEXT    NOT NULL CHECK (pointer = '' OR substr(pointer, 1, 1) = '/'),
    UNIQUE (dependency_id, contract, pointer)
) STRICT;

CREATE TABLE contract_deprecations (
    contract_id INTEGER NOT NULL PRIMARY KEY REFERENCES contracts (id) ON DELETE CASCADE,
    until       TEXT    CHECK (until IS NULL OR length(until) > 0),
    message     TEXT    CHECK (message IS NULL OR length(message) > 0)
) STRICT;
