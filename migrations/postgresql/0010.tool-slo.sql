-- As migrations/0010 on SQLite: a tool's reliability objective (`slo`), NULL when undeclared.

ALTER TABLE tools ADD COLUMN slo DOUBLE PRECISION CHECK (slo IS NULL OR (slo >= 0 AND slo < 1));
