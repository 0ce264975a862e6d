// Versioned schema for the SQLite store. Each entry moves the schema one version up and is
// applied inside a transaction; PRAGMA user_version records where a database stands.

export const SQLITE_MIGRATIONS: readonly string[] = [
  `CREATE TABLE corpora (
     name TEXT PRIMARY KEY,
     source_path TEXT NOT NULL,
     source_hash TEXT NOT NULL,
     warnings TEXT NOT NULL DEFAULT '[]',
     ingested_at TEXT NOT NULL
   );
   CREATE TABLE papers (
     corpus TEXT NOT NULL REFERENCES corpora(name) ON DELETE CASCADE,
     id TEXT NOT NULL,
     ord INTEGER NOT NULL,
     title TEXT,
     authors TEXT NOT NULL,
     track TEXT,
     abstract TEXT NOT NULL,
     links TEXT NOT NULL,
     source_path TEXT NOT NULL,
     start_line INTEGER NOT NULL,
     end_line INTEGER NOT NULL,
     warnings TEXT NOT NULL,
     content_hash TEXT NOT NULL,
     PRIMARY KEY (corpus, id)
   ) WITHOUT ROWID;
   CREATE INDEX papers_by_id ON papers(id);
   CREATE INDEX papers_by_order ON papers(corpus, ord);`,
  // 2: embedding vectors cached by (model, hash of the embedded text); fitted models by id.
  `CREATE TABLE embeddings (
     model TEXT NOT NULL,
     content_hash TEXT NOT NULL,
     dim INTEGER NOT NULL,
     vector BLOB NOT NULL,
     PRIMARY KEY (model, content_hash)
   ) WITHOUT ROWID;
   CREATE TABLE models (
     id TEXT PRIMARY KEY,
     data BLOB NOT NULL,
     created_at TEXT NOT NULL
   );`,
  // 3: optional fields from richer sources and enrichment (keywords, TL;DR, external ids,
  // decision, PDF, provenance) as one JSON object; '{}' for listing records.
  `ALTER TABLE papers ADD COLUMN extras TEXT NOT NULL DEFAULT '{}';`,
  // 4: staged streaming ingest: records appended in batches by a long ingest, invisible to
  // readers until committed (swapped into papers in one transaction); kept across a kill so the
  // same source resumes.
  `CREATE TABLE staged_ingests (
     corpus TEXT PRIMARY KEY,
     source_hash TEXT NOT NULL,
     started_at TEXT NOT NULL
   );
   CREATE TABLE staged_papers (
     corpus TEXT NOT NULL REFERENCES staged_ingests(corpus) ON DELETE CASCADE,
     ord INTEGER NOT NULL,
     id TEXT NOT NULL,
     title TEXT,
     authors TEXT NOT NULL,
     track TEXT,
     abstract TEXT NOT NULL,
     links TEXT NOT NULL,
     source_path TEXT NOT NULL,
     start_line INTEGER NOT NULL,
     end_line INTEGER NOT NULL,
     warnings TEXT NOT NULL,
     extras TEXT NOT NULL,
     content_hash TEXT NOT NULL
   );
   CREATE UNIQUE INDEX staged_papers_by_order ON staged_papers(corpus, ord);
   CREATE UNIQUE INDEX staged_papers_by_id ON staged_papers(corpus, id);`,
];
