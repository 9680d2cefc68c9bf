-- A tool's reliability objective (`slo` in its manifest, usually a workflow's): the
-- compound reliability its chain must keep. Its budget is 1 - slo; NULL when undeclared.
-- (0009 is issue 13's.)
-- depends: 0008.tools-manifest-path-index

ALTER TABLE tools ADD COLUMN slo REAL CHECK (slo IS NULL OR (slo >= 0 AND slo < 1));
