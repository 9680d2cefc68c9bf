DROP TABLE contract_deprecations;
DROP TABLE dependency_uses;
